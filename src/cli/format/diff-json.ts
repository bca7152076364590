import type { ResourceDiff } from '../../core/diff/diff-resources.js';
import type { ResourceKey } from '../../core/diff/resource-key.js';
import type { FileOf } from '../../core/format/diff-text.js';

/**
 * The diff for programs. `before`/`after` are left out of a change when the
 * field is absent on that side (JSON has no `undefined`), `namespace` is null
 * for cluster-scoped resources, and `masked: true` marks hidden Secret values.
 * `namespaces` (before and after) is there when resources were matched across namespaces.
 * `sops`, when there are any, lists SOPS-encrypted documents that differ, by key names and ciphertext (docs/secrets.md).
 */
export function formatDiffJson(diff: ResourceDiff, fileOf: FileOf): string {
  const resource = (key: ResourceKey, side: 'before' | 'after') => ({
    apiVersion: key.apiVersion,
    kind: key.kind,
    namespace: key.namespace || null,
    name: key.name,
    file: fileOf(key, side) ?? null,
  });
  const body = {
    ...(diff.namespaces ? { namespaces: diff.namespaces } : {}),
    added: diff.added.map((key) => resource(key, 'after')),
    removed: diff.removed.map((key) => resource(key, 'before')),
    changed: diff.changed.map(({ key, changes }) => ({ ...resource(key, 'after'), changes })),
    // Key names, field paths and recipients of encrypted documents (no value, no ciphertext); there when any differ.
    ...(diff.sops && diff.sops.length > 0 ? { sops: diff.sops } : {}),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}
