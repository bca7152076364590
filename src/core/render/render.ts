import { buildContext } from './context.js';
import { createTemplateEngine } from './handlebars/engine.js';
import { compareCodeUnits } from './helpers/structures.js';
import { placeResources, resourcesFromOutput, type RenderedResource } from './resources.js';
import type { RenderedFile, RenderInput } from './types.js';
import { environmentNamed } from '../config/load.js';
import { LadderInputError } from '../errors.js';
import { defaultRenderLimits } from '../limits.js';
import type { KeptSecret } from '../secrets/kept-secrets.js';

export type { RenderInput, RenderedFile, TemplateFile } from './types.js';
export type { RenderedResource } from './resources.js';
export { imageReference } from './image.js';
export { serializeResource } from './serialize.js';

/**
 * Renders every template for one environment into one file per resource,
 * sorted by path. Same input → byte-identical files. Throws LadderInputError
 * naming the template (and line, and key) for a bad template or value.
 */
export function renderEnvironment(input: RenderInput): RenderedFile[] {
  return placeRendered(input, renderResources(input));
}

/**
 * The first half of a render: every template run and its output parsed, not
 * yet placed in files. It is the half that runs code from the repository, so
 * the App runs it in a worker thread (src/app/render-worker/) and places the
 * resources where its schema validator knows which kinds are namespaced.
 */
export function renderResources(input: Omit<RenderInput, 'isNamespaced'>): RenderedResource[] {
  const environment = environmentNamed(input.config, input.environment);
  const context = buildContext({
    config: input.config,
    environment,
    sha: input.sha,
    ...(input.imageDigest === undefined ? {} : { imageDigest: input.imageDigest }),
    ...(input.imageTag === undefined ? {} : { imageTag: input.imageTag }),
  });
  const limits = { ...defaultRenderLimits, ...input.limits };
  const engine = createTemplateEngine(limits);
  const resources: RenderedResource[] = [];
  // Template order decides which template an error blames first; sort it so that is stable too.
  for (const template of [...input.templates].sort((a, b) => compareCodeUnits(a.path, b.path))) {
    const file = input.templatesDir ? `${input.templatesDir.replace(/\/+$/, '')}/${template.path}` : template.path;
    const output = engine.compile(template, file)(context);
    resources.push(...resourcesFromOutput(output, file));
    if (resources.length > limits.maxResources) {
      throw new LadderInputError(`the templates produced more than ${limits.maxResources} resources; Ladder renders at most ${limits.maxResources} per environment`, { file });
    }
  }
  return resources;
}

/**
 * The second half: the environment's namespace on namespaced resources that
 * name none, and one file each; none may be a document of a SOPS-encrypted
 * file the environment branch keeps (`keptSecrets`).
 */
export function placeRendered(input: Pick<RenderInput, 'config' | 'environment' | 'isNamespaced'> & { keptSecrets?: readonly KeptSecret[] }, resources: readonly RenderedResource[]): RenderedFile[] {
  const environment = environmentNamed(input.config, input.environment);
  return placeResources(resources, environment.namespace, input.isNamespaced, input.keptSecrets);
}
