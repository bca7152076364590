import { LadderInputError } from '../errors.js';
import type { KubeObject, ManifestDocument } from '../manifests/document.js';
import { parseManifests } from '../manifests/parse.js';
import { isSopsFileName } from '../secrets/sops-file.js';
import { keptSecretAt, type KeptSecret } from '../secrets/kept-secrets.js';
import { compareCodeUnits } from './helpers/structures.js';
import { namespacedPredicate, type ScopeLookup } from './scope.js';
import { serializeResource } from './serialize.js';
import type { RenderedFile } from './types.js';
import type { RenderOutput } from './handlebars/engine.js';
import type { TemplateOrigin } from './handlebars/trace.js';
import { buildSourceMap, type RenderedSourceMap } from './source-map.js';

export interface RenderedResource {
  /** The template it came from, as errors name it. */
  template: string;
  object: KubeObject;
  /** Where in the template the node at a key path came from, when the render was traced. */
  originOf?: (path: readonly (string | number)[]) => TemplateOrigin | undefined;
}

const kindPattern = /^[A-Za-z][A-Za-z0-9]*$/;
// A Kubernetes name that is also a safe file name: no `/`, no leading dot.
const namePattern = /^[A-Za-z0-9]([A-Za-z0-9._:-]*[A-Za-z0-9])?$/;

/**
 * The resources in one template's output. The output is parsed again, so a
 * template (or a value) that broke the YAML is an error here, not a broken file
 * in a pull request, reported at the template line that wrote it. Empty documents are dropped.
 */
export function resourcesFromOutput(output: RenderOutput | string, template: string): RenderedResource[] {
  const { text, trace } = typeof output === 'string' ? { text: output, trace: undefined } : output;
  const { documents, findings } = parseManifests(text, template);
  const lineStarts = trace ? lineStartsOf(text) : [];
  const originAt = (line: number, column: number): TemplateOrigin | undefined =>
    trace && line > 0 ? trace.originAt((lineStarts[line - 1] ?? 0) + column - 1) : undefined;
  const problem = findings.find((finding) => finding.severity === 'error');
  if (problem) {
    const fullLine = problem.line > 0 ? text.split('\n', problem.line)[problem.line - 1] : undefined;
    // Echo a bounded excerpt: a runaway template's one line can be megabytes long.
    const lineText = fullLine !== undefined && fullLine.length > 200 ? `${fullLine.slice(0, 200)}…` : fullLine;
    const origin = originAt(problem.line, problem.column);
    const rendered = problem.line > 0 ? `rendered line ${problem.line}, column ${problem.column}` : '';
    const where = origin ? (rendered ? ` (${rendered})` : '') : rendered ? ` at ${rendered}` : '';
    throw new LadderInputError(
      `the rendered YAML is invalid${where}: ${problem.message}` + (lineText === undefined ? '' : `\n  ${problem.line} | ${lineText}`),
      { file: template, ...(origin ? { line: origin.line, column: origin.column } : {}) },
    );
  }
  return documents.map((doc) => ({
    template,
    object: checkIdentity(doc, template, originAt(doc.start.line, doc.start.column)),
    ...(trace ? { originOf: (path: readonly (string | number)[]) => { const at = doc.positionOf(path); return originAt(at.line, at.column); } } : {}),
  }));
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * Sets the environment's namespace on namespaced resources that have none, and
 * gives each resource its file. A template that sets a namespace keeps it (the
 * `namespace-mismatch` policy judges it), so nothing is changed behind its back.
 * `kept` are the documents of the SOPS-encrypted files on the environment
 * branch: a resource that is one of them is refused, as one whose file would
 * take an encrypted file's name is (docs/secrets.md).
 */
export function placeResources(resources: readonly RenderedResource[], namespace: string, lookup?: ScopeLookup, kept: readonly KeptSecret[] = []): RenderedFile[] {
  const isNamespaced = namespacedPredicate(
    resources.map((resource) => resource.object),
    lookup,
  );
  const placed = new Map<string, RenderedResource>();
  const files: RenderedFile[] = [];
  for (const resource of resources) {
    const { object } = resource;
    const metadata = object['metadata'] as Record<string, unknown>;
    if (isNamespaced(object) && (metadata['namespace'] === undefined || metadata['namespace'] === null)) {
      metadata['namespace'] = namespace;
    }
    const kind = object['kind'] as string;
    const name = metadata['name'] as string;
    const path = `${kind.toLowerCase()}-${name.replace(/:/g, '_')}.yaml`;
    // SOPS-encrypted files are the team's, kept per environment; the App never writes one (docs/secrets.md).
    if (isSopsFileName(path)) throw new LadderInputError(`${kind}/${name} would be written to ${path}, a name kept for SOPS-encrypted files that Ladder never writes; rename the resource`, { file: resource.template });
    const collides = kept.length > 0 ? keptSecretAt(kept, object, metadata['namespace'] as string | undefined, namespace) : undefined;
    if (collides) {
      throw new LadderInputError(`${kind}/${name} is also defined by ${collides.file}, a SOPS-encrypted file on the environment branch; the agent would apply both and one would overwrite the other, so leave it to the encrypted file or rename the resource`, { file: resource.template });
    }
    const earlier = placed.get(path);
    if (earlier) throw collision(earlier, resource, path);
    placed.set(path, resource);
    const content = serializeResource(object);
    files.push({
      path,
      content,
      ...(resource.originOf ? { sourceMap: sourceMapOf(resource, content) } : {}),
      apiVersion: object['apiVersion'] as string,
      kind,
      name,
      ...(typeof metadata['namespace'] === 'string' ? { namespace: metadata['namespace'] } : {}),
    });
  }
  return files.sort((a, b) => compareCodeUnits(a.path, b.path));
}

/** Where each node of the file as written came from: its key path, found in the written file and in the template. */
function sourceMapOf(resource: RenderedResource, content: string): RenderedSourceMap | undefined {
  const written = parseManifests(content, resource.template).documents[0];
  if (!written) return undefined;
  return buildSourceMap(resource.template, resource.object, (path) => written.positionOf(path), (path) => resource.originOf?.(path));
}

function checkIdentity(doc: ManifestDocument, template: string, origin: TemplateOrigin | undefined): KubeObject {
  const { object } = doc;
  const where = `document ${doc.index + 1} (rendered line ${doc.start.line})`;
  const fail = (key: string, message: string): never => {
    throw new LadderInputError(`${where} ${message}`, { file: template, ...(origin ? { line: origin.line, column: origin.column } : {}), key });
  };
  if (typeof object['apiVersion'] !== 'string' || !/^\S+$/.test(object['apiVersion'])) {
    fail('apiVersion', 'has no apiVersion: every resource needs apiVersion, kind and metadata.name');
  }
  if (typeof object['kind'] !== 'string' || !kindPattern.test(object['kind'])) {
    fail('kind', 'has no valid kind: every resource needs apiVersion, kind and metadata.name');
  }
  const metadata = object['metadata'];
  const name = (metadata as Record<string, unknown> | null)?.['name'];
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata) || typeof name !== 'string') {
    fail(
      'metadata.name',
      'has no metadata.name: Ladder applies resources by name and gives each a file named after it (generateName cannot be applied idempotently)',
    );
  }
  if (!namePattern.test(name as string)) {
    fail('metadata.name', `has the name ${JSON.stringify(name)}, which is not a valid Kubernetes name`);
  }
  return object;
}

function collision(first: RenderedResource, second: RenderedResource, path: string): LadderInputError {
  const describe = (r: RenderedResource): string => `${r.object['kind'] as string}/${(r.object['metadata'] as { name: string }).name}`;
  const by = first.template === second.template ? `twice by ${first.template}` : `by both ${first.template} and ${second.template}`;
  const what = describe(first) === describe(second) ? describe(first) : `${describe(first)} and ${describe(second)}`;
  return new LadderInputError(`${what} rendered ${by} would both be written to ${path}; each resource needs its own kind and name`, {
    file: second.template,
  });
}

/** A rendered resource as it crosses a thread: where each node came from as a table, since a function cannot be posted. */
export interface PortableRenderedResource {
  template: string;
  object: KubeObject;
  /** Every node's key path with its origin (null: the node has none). */
  origins?: Array<[(string | number)[], TemplateOrigin | null]>;
}

/** Nodes past which a resource crosses without its table (and gets no source map): the table must not outweigh the object. */
const maxPortableOrigins = 50_000;

export function toPortable(resource: RenderedResource): PortableRenderedResource {
  const { template, object, originOf } = resource;
  if (!originOf) return { template, object };
  const origins: Array<[(string | number)[], TemplateOrigin | null]> = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (origins.length > maxPortableOrigins) return;
    origins.push([path, originOf(path) ?? null]);
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) visit(item, [...path, key]);
  };
  visit(object, []);
  return origins.length > maxPortableOrigins ? { template, object } : { template, object, origins };
}

/**
 * The resource with its originOf again. A path the rendered object does not have (the namespace
 * placement adds one) is answered as the traced render answers it: by its nearest ancestor's origin.
 */
export function fromPortable(resource: PortableRenderedResource): RenderedResource {
  const { template, object, origins } = resource;
  if (!origins) return { template, object };
  const table = new Map(origins.map(([path, origin]) => [JSON.stringify(path), origin]));
  const originOf = (path: readonly (string | number)[]): TemplateOrigin | undefined => {
    for (let length = path.length; length >= 0; length--) {
      const origin = table.get(JSON.stringify(path.slice(0, length)));
      if (origin !== undefined) return origin ?? undefined;
    }
    return undefined;
  };
  return { template, object, originOf };
}
