import type { LadderConfig } from '../../config/schema.js';
import { environmentNamed } from '../../config/load.js';
import { valuesFor } from '../../config/values.js';
import { LadderInputError } from '../../errors.js';
import { defaultRenderLimits, type RenderLimits } from '../../limits.js';
import { imageTagFor } from '../image.js';
import type { RenderedResource } from '../resources.js';
import type { ManifestTools, SourceTree } from './port.js';
import { resourcesFromStream } from './stream.js';

export interface ToolRenderInput {
  config: LadderConfig;
  environment: string;
  /** The commit being deployed: 40 lower-case hex digits. */
  sha: string;
  /** The chart (`render: helm`) or the kustomize root (`render: kustomize`), read from the code repository. */
  source: SourceTree;
  imageDigest?: string;
  /** The upstream environment's tag, on promotion. */
  imageTag?: string;
  limits?: Partial<RenderLimits>;
}

/**
 * Renders one environment with Helm or Kustomize through `tools`, and parses
 * the stream into resources exactly as Handlebars output is parsed: each
 * document named after the chart template (Helm's `# Source:`) or the overlay.
 */
export async function renderWithTool(input: ToolRenderInput, tools: ManifestTools): Promise<RenderedResource[]> {
  const { config } = input;
  const environment = environmentNamed(config, input.environment);
  const tag = input.imageTag ?? imageTagFor(input.sha, config.imageTag);
  const limits = { ...defaultRenderLimits, ...input.limits };
  let stdout: string;
  let origin: string;
  if (config.manifests.render === 'helm') {
    const helm = config.manifests.helm!;
    const values = valuesFor(config, environment.name);
    setKey(values, helm.imageValues.repository, config.image);
    setKey(values, helm.imageValues.tag, input.imageDigest === undefined ? tag : `${tag}@${input.imageDigest}`);
    origin = input.source.root;
    ({ stdout } = await tools.helmTemplate({ chart: input.source, releaseName: helm.releaseName ?? config.service, namespace: environment.namespace, values }));
  } else if (config.manifests.render === 'kustomize') {
    const overlay = overlayOf(config, environment.name);
    origin = `${input.source.root}/${overlay}`;
    const image = { name: config.image, newTag: tag, ...(input.imageDigest === undefined ? {} : { digest: input.imageDigest }) };
    ({ stdout } = await tools.kustomizeBuild({ tree: input.source, overlay, image }));
  } else {
    throw new RangeError(`renderWithTool renders helm and kustomize, not ${config.manifests.render}`);
  }
  if (stdout.length > limits.maxOutputChars) {
    throw new LadderInputError(`rendered more than ${limits.maxOutputChars} characters; Ladder renders at most that much per environment`, { file: origin });
  }
  const resources = resourcesFromStream(stdout, origin, config.manifests.render === 'helm' ? input.source.root : undefined);
  if (resources.length > limits.maxResources) {
    throw new LadderInputError(`rendered more than ${limits.maxResources} resources; Ladder renders at most ${limits.maxResources} per environment`, { file: origin });
  }
  return resources;
}

/** The overlay directory of an environment, relative to `kustomize.root`. */
export function overlayOf(config: LadderConfig, environment: string): string {
  const kustomize = config.manifests.kustomize!;
  return (kustomize.overlays[environment] ?? `overlays/${environment}`).replace(/\/+$/, '');
}

/** Sets `a.b.c` in a values tree, making maps on the way; a non-map in the way is replaced (the image must get there). */
function setKey(values: Record<string, unknown>, path: string, value: string): void {
  const keys = path.split('.');
  let node = values;
  for (const key of keys.slice(0, -1)) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      Object.defineProperty(node, key, { value: {}, enumerable: true, writable: true, configurable: true });
    }
    node = node[key] as Record<string, unknown>;
  }
  Object.defineProperty(node, keys[keys.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}
