import { parseManifests } from '../core/manifests/parse.js';
import type { SourceFile } from './source.js';

/**
 * Objects that name a namespace the agent was not given. The commit is then
 * refused before anything is applied: RBAC would refuse them too, but only
 * after the rest of the set had been checked, and with a less useful message.
 * Objects without a namespace go to the first configured one.
 */
export function findForeignNamespaces(files: readonly SourceFile[], allowed: readonly string[]): string[] {
  const permitted = new Set(allowed);
  const problems: string[] = [];
  for (const file of files) {
    for (const doc of parseManifests(file.content, file.path).documents) {
      const metadata = doc.object.metadata as { name?: unknown; namespace?: unknown } | undefined;
      const namespace = metadata?.namespace;
      if (typeof namespace !== 'string' || namespace === '' || permitted.has(namespace)) continue;
      problems.push(`${file.path}:${doc.start.line}: ${String(doc.object.kind)} ${namespace}/${String(metadata?.name)} is in namespace ${namespace}, which this agent does not manage (${allowed.join(', ')})`);
    }
  }
  return problems;
}
