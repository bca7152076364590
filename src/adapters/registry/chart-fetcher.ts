import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { LadderInputError, type InputLocation } from '../../core/errors.js';
import type { ChartFetcher, SourceTree } from '../../core/render/tools/port.js';
import type { PinnedChart } from '../../core/services/effective.js';
import type { ChartPin } from '../../core/services/schema.js';
import { createRegistryAuth } from './auth.js';
import type { RegistryCredential } from './credentials.js';
import { describeFailure } from './http.js';
import { chartArchiveLimits, unpackChart } from './chart-archive.js';
import { getFromSource, SourceUnavailableError, type SourceClient } from './chart-request.js';

export interface ChartFetcherOptions {
  /** Registry host → credentials: the image gate's (LADDER_REGISTRY_AUTH_FILE), sent to that host only. */
  credentials: ReadonlyMap<string, RegistryCredential>;
  /** Hosts spoken to over plain HTTP; every other source must be HTTPS. */
  plainHttp?: ReadonlySet<string>;
  /** One request (default 10 s) and one whole fetch (default 60 s). */
  requestTimeoutMs?: number;
  fetchTimeoutMs?: number;
}

const chartLayer = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const manifestAccept = 'application/vnd.oci.image.manifest.v1+json';
/** A manifest is at most 4 MiB (distribution's limit); a chart repository's index at most 8 MiB. */
const maxManifestBytes = 4 * 1024 * 1024;
const maxIndexBytes = 8 * 1024 * 1024;
/** Verified charts kept in memory, by pin: the same digest is the same chart. */
const cachedCharts = 16;

/**
 * Fetches charts pinned in `.ladder/services.yml`, from the pinned source
 * only, and verifies them before Helm sees them. OCI: the manifest of the
 * version's tag must have the pinned digest (what `helm pull oci://…@sha256:`
 * checks), then its chart layer must have the digest the manifest names.
 * Chart repository: `index.yaml` names the archive's URL, which must be on
 * the repository's own host, and the archive must have the pinned sha256
 * (what the index's `digest` holds). Either way the archive is unpacked in
 * memory within the chart budgets, and its Chart.yaml must name the pinned
 * chart and version.
 */
export function createChartFetcher(options: ChartFetcherOptions): ChartFetcher {
  const plainHttp = options.plainHttp ?? new Set<string>();
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const registry = createRegistryAuth({
    credentials: options.credentials,
    plainHttp,
    now: Date.now,
    send: (url, init, deadline) => fetch(url, { ...init, redirect: 'error', signal: AbortSignal.any([deadline, AbortSignal.timeout(requestTimeoutMs)]) }),
  });
  const cache = new Map<string, SourceTree>();

  return {
    async fetch(chart) {
      const cacheKey = JSON.stringify(chart.pin);
      const cached = cache.get(cacheKey);
      if (cached) return cached;
      const deadline = AbortSignal.timeout(options.fetchTimeoutMs ?? 60_000);
      const at = (key: string): InputLocation => ({ file: chart.file, key: `${chart.key}.${key}` });
      let tree: SourceTree;
      try {
        tree = 'oci' in chart.pin ? await fetchOci(chart, chart.pin, at, deadline) : await fetchFromRepository(chart, chart.pin, at, deadline);
      } catch (error) {
        if (error instanceof LadderInputError || error instanceof SourceUnavailableError) throw error;
        throw new SourceUnavailableError(`fetching the chart pinned at ${chart.key}: ${describeFailure(error)}`);
      }
      cache.set(cacheKey, tree);
      if (cache.size > cachedCharts) cache.delete(cache.keys().next().value!);
      return tree;
    },
  };

  function originOf(host: string, where: InputLocation, scheme?: string): string {
    const plain = plainHttp.has(host);
    if (scheme === 'http:' && !plain) throw new LadderInputError(`http://${host} is not HTTPS; Ladder fetches charts over plain HTTP only from hosts listed in LADDER_REGISTRY_PLAIN_HTTP`, where);
    return `${plain ? 'http' : 'https'}://${host}`;
  }

  async function fetchOci(chart: PinnedChart, pin: Extract<ChartPin, { oci: string }>, at: (key: string) => InputLocation, deadline: AbortSignal): Promise<SourceTree> {
    const reference = pin.oci.slice('oci://'.length);
    const host = reference.slice(0, reference.indexOf('/'));
    const repository = reference.slice(host.length + 1);
    const client: SourceClient = { origin: originOf(host, at('oci')), auth: { kind: 'registry', registry, scope: { registry: host, repository } }, deadline, requestTimeoutMs, where: at('oci') };
    // OCI tags cannot hold `+`; Helm pushes 1.0.0+build as 1.0.0_build.
    const tag = pin.version.replaceAll('+', '_');
    const manifest = await getFromSource(client, `/v2/${repository}/manifests/${tag}`, { accept: manifestAccept, maxBytes: maxManifestBytes, what: `the manifest of ${pin.oci}:${tag}` });
    const manifestDigest = sha256(manifest);
    if (manifestDigest !== pin.digest) throw mismatch(at('digest'), `the manifest of ${pin.oci}:${tag}`, manifestDigest, pin.digest);
    const layer = chartLayerOf(manifest, at('oci'));
    if (layer.size > chartArchiveLimits.maxArchiveBytes) {
      throw new LadderInputError(`the chart archive is ${Math.ceil(layer.size / 1024)} KiB; Ladder fetches at most ${chartArchiveLimits.maxArchiveBytes / 1024} KiB`, at('oci'));
    }
    const archive = await getFromSource(client, `/v2/${repository}/blobs/${layer.digest}`, { maxBytes: chartArchiveLimits.maxArchiveBytes, what: `the chart layer of ${pin.oci}:${tag}` });
    // Content addressing: the blob is what the verified manifest names, or nothing.
    if (sha256(archive) !== layer.digest) throw mismatch(at('digest'), `the chart layer of ${pin.oci}@${pin.digest}`, sha256(archive), layer.digest);
    return treeOf(chart, archive, `${pin.oci}:${pin.version}`, repository.slice(repository.lastIndexOf('/') + 1), at);
  }

  async function fetchFromRepository(chart: PinnedChart, pin: Extract<ChartPin, { repo: string }>, at: (key: string) => InputLocation, deadline: AbortSignal): Promise<SourceTree> {
    const base = new URL(pin.repo.endsWith('/') ? pin.repo : `${pin.repo}/`);
    const credential = options.credentials.get(base.host);
    // A chart repository takes Basic credentials (helm repo add --username), sent to its own host only.
    const header = credential && 'username' in credential ? `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}` : undefined;
    const client: SourceClient = { origin: originOf(base.host, at('repo'), base.protocol), auth: { kind: 'header', ...(header ? { header } : {}) }, deadline, requestTimeoutMs, where: at('repo') };
    const indexText = await getFromSource(client, new URL('index.yaml', base).pathname, { maxBytes: maxIndexBytes, what: `${pin.repo}/index.yaml` });
    const url = archiveUrlOf(indexText.toString('utf8'), pin, at);
    const target = new URL(url, base);
    if (target.origin !== client.origin) {
      throw new LadderInputError(`${pin.repo}/index.yaml puts ${pin.name} ${pin.version} at ${target.origin}, not on the pinned repository's host ${client.origin}; Ladder fetches a pinned chart from its source only`, at('repo'));
    }
    const archive = await getFromSource(client, target.pathname + target.search, { maxBytes: chartArchiveLimits.maxArchiveBytes, what: `the archive of ${pin.name} ${pin.version}` });
    const digest = sha256(archive);
    if (digest !== pin.digest) throw mismatch(at('digest'), `the archive of ${pin.name} ${pin.version} from ${pin.repo}`, digest, pin.digest);
    return treeOf(chart, archive, `${pin.repo.replace(/\/$/, '')}/${pin.name}-${pin.version}`, pin.name, at);
  }
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function mismatch(where: InputLocation, what: string, found: string, pinned: string): LadderInputError {
  return new LadderInputError(`${what} has digest ${found}, but the pin is ${pinned}; Ladder renders only the chart pinned here (update the pin if the chart was meant to change)`, where);
}

function chartLayerOf(manifest: Buffer, where: InputLocation): { digest: string; size: number } {
  let parsed: { layers?: { mediaType?: unknown; digest?: unknown; size?: unknown }[] };
  try {
    parsed = JSON.parse(manifest.toString('utf8')) as typeof parsed;
  } catch {
    throw new LadderInputError('the registry answered with a manifest that is not JSON', where);
  }
  const layers = (Array.isArray(parsed.layers) ? parsed.layers : []).filter((layer) => layer?.mediaType === chartLayer);
  const layer = layers[0];
  if (layers.length !== 1 || typeof layer?.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(layer.digest) || typeof layer.size !== 'number') {
    throw new LadderInputError(`the manifest is not a Helm chart's: it needs exactly one ${chartLayer} layer`, where);
  }
  return { digest: layer.digest, size: layer.size };
}

function archiveUrlOf(text: string, pin: Extract<ChartPin, { repo: string }>, at: (key: string) => InputLocation): string {
  let index: { entries?: Record<string, { version?: unknown; urls?: unknown }[]> };
  try {
    index = parse(text, { maxAliasCount: 100 }) as typeof index;
  } catch {
    throw new LadderInputError(`${pin.repo}/index.yaml is not YAML`, at('repo'));
  }
  const versions = index?.entries && Object.hasOwn(index.entries, pin.name) ? index.entries[pin.name] : undefined;
  if (!Array.isArray(versions)) throw new LadderInputError(`${pin.repo}/index.yaml has no chart named ${pin.name}`, at('name'));
  const entry = versions.find((candidate) => String(candidate?.version).replace(/^v/, '') === pin.version.replace(/^v/, ''));
  const url = Array.isArray(entry?.urls) ? entry.urls[0] : undefined;
  if (!entry) throw new LadderInputError(`${pin.repo}/index.yaml has no version ${pin.version} of ${pin.name}`, at('version'));
  if (typeof url !== 'string' || url === '') throw new LadderInputError(`${pin.repo}/index.yaml names no URL for ${pin.name} ${pin.version}`, at('repo'));
  return url;
}

/** The verified archive's files, as the tree Helm renders; its Chart.yaml must be the pinned chart. */
function treeOf(chart: PinnedChart, archive: Buffer, root: string, name: string, at: (key: string) => InputLocation): SourceTree {
  const files = unpackChart(archive, at('digest'), root);
  const chartYaml = files.find((file) => file.path === 'Chart.yaml');
  let meta: { name?: unknown; version?: unknown } | null | undefined;
  try {
    meta = chartYaml ? (parse(Buffer.from(chartYaml.content).toString('utf8'), { maxAliasCount: 100 }) as typeof meta) : undefined;
  } catch {
    throw new LadderInputError("the chart's Chart.yaml is not YAML", at('digest'));
  }
  if (!meta) throw new LadderInputError('the chart archive has no Chart.yaml at its top', at('digest'));
  if (String(meta.name) !== name) throw new LadderInputError(`the chart is named ${String(meta.name)} in its Chart.yaml, not ${name}`, at('oci' in chart.pin ? 'oci' : 'name'));
  if (String(meta.version).replace(/^v/, '') !== chart.pin.version.replace(/^v/, '')) throw new LadderInputError(`the chart's Chart.yaml says version ${String(meta.version)}, not ${chart.pin.version}`, at('version'));
  return { root, files };
}
