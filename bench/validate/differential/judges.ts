/**
 * The three judges of a differential case: kube-apiserver (server-side apply
 * with dryRun=All, as the agent applies), Ladder (schema + API-server rules,
 * offline) and kubeconform (-strict, the same schemas).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient } from '../../../src/adapters/kube/client.js';
import { KubeApiError } from '../../../src/adapters/kube/errors.js';
import { parseManifests } from '../../../src/core/manifests/parse.js';
import type { SchemaBundle } from '../../../src/core/validate/schema/bundle.js';
import { createSchemaValidator } from '../../../src/core/validate/schema/index.js';
import { kubeconformTemplate } from '../kubeconform-schemas.js';
import type { ApiServerWasm } from '../wasm/apiserver-wasm.js';
import type { Case } from './generate.js';

export type Outcome =
  /** Accepted; `warning` holds Ladder's warnings, if any. */
  | { verdict: 'accept'; warning?: string }
  | { verdict: 'refuse'; reason: string }
  /** The server refused for a reason outside the object (a namespace that does not exist): not comparable. */
  | { verdict: 'environment'; reason: string }
  /**
   * The server refused for a reason set by its flags (a node port outside
   * --service-node-port-range, an IP family the cluster does not serve): what
   * another cluster would do differs, so these are counted apart.
   */
  | { verdict: 'cluster'; reason: string };

const clusterSettings = /not in the valid range|not configured on this cluster|not configured for dual-stack/;

/** Runs one function at a time: real creates of Services compete for node ports. */
export function serially(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (work) => {
    const next = last.then(work, work);
    last = next.catch(() => undefined);
    return next;
  };
}

/** A Service that asks for node ports: dry-run skips the allocator that checks them, a create does not. */
function asksForNodePorts(item: Case): boolean {
  if (item.kind !== 'Service') return false;
  const spec = (item.object['spec'] ?? {}) as Record<string, unknown>;
  const ports = Array.isArray(spec['ports']) ? (spec['ports'] as Record<string, unknown>[]) : [];
  return ports.some((port) => typeof port?.['nodePort'] === 'number' && port['nodePort'] !== 0) || (typeof spec['healthCheckNodePort'] === 'number' && spec['healthCheckNodePort'] !== 0);
}

/**
 * Server-side apply as a dry run, in the object's namespace (or `namespace`
 * when it has none), with strict field validation. A Service that asks for
 * node ports and passes is then applied for real (one at a time, through
 * `exclusive`) and deleted: a dry run does not check node ports against the
 * cluster's range, and the agent's apply would.
 */
export async function serverVerdict(
  client: KubeClient, item: Case, namespace: string, namespaced: boolean,
  exclusive: <T>(work: () => Promise<T>) => Promise<T> = (work) => work(),
): Promise<Outcome> {
  const object = structuredClone(item.object);
  const metadata = (object['metadata'] ??= {}) as Record<string, unknown>;
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
  if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('%')) {
    // No URL can carry such a name; kubectl apply refuses it before sending anything.
    return { verdict: 'refuse', reason: `client: cannot address an object named ${JSON.stringify(name)}` };
  }
  if (namespaced && (metadata['namespace'] === undefined || metadata['namespace'] === null || metadata['namespace'] === '')) metadata['namespace'] = namespace;
  const info = await client.resourceFor(item.apiVersion, item.kind);
  if (!info) throw new Error(`the API server does not serve ${item.apiVersion} ${item.kind}`);
  const targetNamespace = namespaced ? String(metadata['namespace']) : undefined;
  const path = client.pathFor({ apiVersion: item.apiVersion, kind: item.kind, name, ...(targetNamespace === undefined ? {} : { namespace: targetNamespace }) }, info);
  const apply = async (body: Record<string, unknown>, dryRun: boolean) => {
    // A loaded API server now and then drops a connection; the verdict is what it says when it answers.
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.request('PATCH', path, {
          query: { fieldManager: 'ladder-differential', force: true, fieldValidation: 'Strict', ...(dryRun ? { dryRun: 'All' } : {}) },
          contentType: 'application/apply-patch+yaml',
          body,
        });
      } catch (error) {
        if (error instanceof KubeApiError) throw error;
        // Three times no answer: the handler panicked (kube-apiserver 1.36.3 does on an Indexed Job
        // with a successPolicy and no completions). The request fails: a refusal, if not a polite one.
        if (attempt === 3) throw new KubeApiError(0, 'PATCH', path, { reason: 'NoResponse', message: `the API server closed the connection without an answer (${(error as Error).message})` });
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  };
  try {
    await apply(object, true);
    if (asksForNodePorts(item)) {
      // The dry run vetted the finalizers; without them the delete below is immediate.
      delete metadata['finalizers'];
      await exclusive(async () => {
        await apply(object, false);
        await client.request('DELETE', path);
      });
    }
    return { verdict: 'accept' };
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    const reason = `${error.status} ${error.reason}: ${error.message}`.slice(0, 2000);
    if (error.status === 404 && /namespaces? .* not found/.test(error.message)) return { verdict: 'environment', reason };
    if (clusterSettings.test(error.message)) return { verdict: 'cluster', reason };
    // A 500 here is the server failing to convert the object (bad base64, say): a refusal of this input all the same.
    return { verdict: 'refuse', reason };
  }
}

export interface LadderVerdicts {
  outcomes: Outcome[];
  seconds: number;
}

/** Ladder's schema check and API-server rules, in process, one case at a time. */
export function ladderVerdicts(bundle: SchemaBundle, cases: readonly Case[]): LadderVerdicts {
  const validator = createSchemaValidator(bundle);
  const started = process.hrtime.bigint();
  const outcomes = cases.map((item): Outcome => {
    const parsed = parseManifests(JSON.stringify(item.object), `${item.id}.json`);
    const all = [...parsed.findings, ...validator.validate(parsed.documents)];
    const describe = (findings: typeof all) => findings.map((f) => `${f.rule}: ${f.message}`).join('; ').slice(0, 2000);
    const errors = all.filter((f) => f.severity === 'error');
    if (errors.length > 0) return { verdict: 'refuse', reason: describe(errors) };
    return all.length === 0 ? { verdict: 'accept' } : { verdict: 'accept', warning: describe(all) };
  });
  return { outcomes, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/**
 * The WASM option: Ladder's schema check (the API server's decoder refuses
 * what it refuses: types, unknown fields), then kube-apiserver's own create
 * path compiled to WebAssembly in place of Ladder's port of it.
 */
/** Schema findings of the `required` and `enum` keywords (schema/messages.ts words them). */
const decoderLenient = /: (required field missing|must be one of .*)$/;

export function wasmVerdicts(bundle: SchemaBundle, cases: readonly Case[], wasm: ApiServerWasm): LadderVerdicts {
  const validator = createSchemaValidator(bundle, { apiServerRules: false });
  const started = process.hrtime.bigint();
  const outcomes = cases.map((item): Outcome => {
    const parsed = parseManifests(JSON.stringify(item.object), `${item.id}.json`);
    // The decoder enforces types, formats and known fields, not the schema's required and enum: those are
    // the compiled validation's to judge (the same leniency the hand port's server view applies).
    const errors = [...parsed.findings, ...validator.validate(parsed.documents)]
      .filter((f) => f.severity === 'error' && !(f.rule === 'schema' && decoderLenient.test(f.message)));
    if (errors.length > 0) return { verdict: 'refuse', reason: errors.map((f) => `${f.rule}: ${f.message}`).join('; ').slice(0, 2000) };
    const answer = wasm.validate(item.object);
    return answer.verdict === 'accept' ? { verdict: 'accept' } : { verdict: 'refuse', reason: `wasm ${answer.verdict}: ${(answer.errors ?? []).join('; ')}`.slice(0, 2000) };
  });
  return { outcomes, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** kubeconform over one file per case. */
export async function kubeconformVerdicts(binary: string, schemaDir: string, cases: readonly Case[]): Promise<Outcome[]> {
  const dir = await mkdtemp(join(tmpdir(), 'ladder-differential-'));
  try {
    // A few at a time: tens of thousands of open files at once exceed the process's limit.
    for (let start = 0; start < cases.length; start += 256) {
      await Promise.all(cases.slice(start, start + 256).map((item, i) => writeFile(join(dir, `${start + i}.json`), JSON.stringify(item.object))));
    }
    const output = await run(binary, ['-strict', '-summary', '-output', 'json', '-schema-location', join(schemaDir, kubeconformTemplate), dir]);
    const report = JSON.parse(output) as { resources: { filename: string; status: string; msg: string }[] };
    const outcomes: Outcome[] = cases.map(() => ({ verdict: 'accept' }));
    for (const resource of report.resources) {
      if (resource.status !== 'statusInvalid' && resource.status !== 'statusError') continue;
      const index = Number(/(\d+)\.json$/.exec(resource.filename)?.[1]);
      if (Number.isInteger(index)) outcomes[index] = { verdict: 'refuse', reason: resource.msg.slice(0, 2000) };
    }
    return outcomes;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 || code === 1 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`${command} exited ${code}: ${Buffer.concat(err).toString('utf8').slice(0, 2000)}`))));
  });
}
