import { groupOf } from '../kubernetes/scope.js';
import type { ResourceKey } from './resource-key.js';
import type { ValueChange } from './diff-values.js';

/** What a diff shows instead of a Secret value. */
export const maskedValue = '(hidden)';

/** Fields of a Secret whose values are secret; the last one holds a copy of the whole object. */
const secretFields = new Set(['data', 'stringData']);
const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Replaces Secret values in field changes with a marker, keeping the keys:
 * a diff says *that* `data.password` changed, never to what. Diffs end up in
 * pull-request comments and CI logs, where a hash would be as good as the
 * value for a short password, so nothing derived from the value is shown.
 */
export function maskSecretChanges(key: ResourceKey, changes: ValueChange[]): (ValueChange & { masked?: true })[] {
  if (key.kind !== 'Secret' || groupOf(key.apiVersion) !== '') return changes;
  return changes.map((change) => (isSecretPath(change.path) ? mask(change) : change));
}

function isSecretPath(path: ValueChange['path']): boolean {
  const [first, second, third] = path;
  if (typeof first === 'string' && secretFields.has(first)) return true;
  return first === 'metadata' && (second === undefined || (second === 'annotations' && (third === undefined || third === lastApplied)));
}

function mask(change: ValueChange): ValueChange & { masked?: true } {
  const masked: ValueChange & { masked?: true } = { path: change.path };
  let hidden = false;
  for (const side of ['before', 'after'] as const) {
    if (!(side in change)) continue;
    masked[side] = maskValue(change[side], change.path);
    hidden ||= masked[side] !== change[side];
  }
  if (hidden) masked.masked = true;
  return masked;
}

/** Masks leaf values but keeps object keys, so an added `data` map still lists its keys. */
function maskValue(value: unknown, path: ValueChange['path']): unknown {
  if (path[0] === 'metadata') return maskMetadata(value, path);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.fromEntries(Object.keys(value).map((k) => [k, maskedValue]));
  }
  return maskedValue;
}

/** A change at `metadata` or `metadata.annotations` may carry the last-applied copy inside it. */
function maskMetadata(value: unknown, path: ValueChange['path']): unknown {
  if (path.length === 3) return maskedValue;
  if (typeof value !== 'object' || value === null) return value;
  if (path.length === 1) {
    const metadata = value as Record<string, unknown>;
    return metadata.annotations === undefined ? value : { ...metadata, annotations: maskMetadata(metadata.annotations, ['metadata', 'annotations']) };
  }
  const annotations = value as Record<string, unknown>;
  return lastApplied in annotations ? { ...annotations, [lastApplied]: maskedValue } : value;
}
