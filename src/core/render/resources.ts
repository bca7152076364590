import { LadderInputError } from '../errors.js';
import type { KubeObject, ManifestDocument } from '../manifests/document.js';
import { parseManifests } from '../manifests/parse.js';
import { compareCodeUnits } from './helpers/structures.js';
import { namespacedPredicate, type ScopeLookup } from './scope.js';
import { serializeResource } from './serialize.js';
import type { RenderedFile } from './types.js';

export interface RenderedResource {
  /** The template it came from, as errors name it. */
  template: string;
  object: KubeObject;
}

const kindPattern = /^[A-Za-z][A-Za-z0-9]*$/;
// A Kubernetes name that is also a safe file name: no `/`, no leading dot.
const namePattern = /^[A-Za-z0-9]([A-Za-z0-9._:-]*[A-Za-z0-9])?$/;

/**
 * The resources in one template's output. The output is parsed again, so a
 * template (or a value) that broke the YAML is an error here, not a broken file
 * in a pull request. Empty documents are dropped.
 */
export function resourcesFromOutput(text: string, template: string): RenderedResource[] {
  const { documents, findings } = parseManifests(text, template);
  const problem = findings.find((finding) => finding.severity === 'error');
  if (problem) {
    const fullLine = problem.line > 0 ? text.split('\n', problem.line)[problem.line - 1] : undefined;
    // Echo a bounded excerpt: a runaway template's one line can be megabytes long.
    const lineText = fullLine !== undefined && fullLine.length > 200 ? `${fullLine.slice(0, 200)}…` : fullLine;
    const where = problem.line > 0 ? ` at rendered line ${problem.line}, column ${problem.column}` : '';
    throw new LadderInputError(
      `the rendered YAML is invalid${where}: ${problem.message}` + (lineText === undefined ? '' : `\n  ${problem.line} | ${lineText}`),
      { file: template },
    );
  }
  return documents.map((doc) => ({ template, object: checkIdentity(doc, template) }));
}

/**
 * Sets the environment's namespace on namespaced resources that have none, and
 * gives each resource its file. A template that sets a namespace keeps it (the
 * `namespace-mismatch` policy judges it), so nothing is changed behind its back.
 */
export function placeResources(resources: readonly RenderedResource[], namespace: string, lookup?: ScopeLookup): RenderedFile[] {
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
    const earlier = placed.get(path);
    if (earlier) throw collision(earlier, resource, path);
    placed.set(path, resource);
    files.push({
      path,
      content: serializeResource(object),
      apiVersion: object['apiVersion'] as string,
      kind,
      name,
      ...(typeof metadata['namespace'] === 'string' ? { namespace: metadata['namespace'] } : {}),
    });
  }
  return files.sort((a, b) => compareCodeUnits(a.path, b.path));
}

function checkIdentity(doc: ManifestDocument, template: string): KubeObject {
  const { object } = doc;
  const where = `document ${doc.index + 1} (rendered line ${doc.start.line})`;
  const fail = (key: string, message: string): never => {
    throw new LadderInputError(`${where} ${message}`, { file: template, key });
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
