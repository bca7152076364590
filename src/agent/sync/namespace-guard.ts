import type { ParsedObject } from './desired.js';

/**
 * Objects that name a namespace the agent was not given. The commit is then
 * refused before anything is applied: RBAC would refuse them too, but only
 * after the rest of the set had been checked, and with a less useful message.
 * Objects without a namespace go to the first configured one.
 */
export function findForeignNamespaces(objects: readonly ParsedObject[], allowed: readonly string[]): string[] {
  const permitted = new Set(allowed);
  const problems: string[] = [];
  for (const { ref, file, line } of objects) {
    const namespace = ref.namespace;
    if (namespace === undefined || permitted.has(namespace)) continue;
    problems.push(`${file}:${line}: ${ref.kind} ${namespace}/${ref.name} is in namespace ${namespace}, which this agent does not manage (${allowed.join(', ')})`);
  }
  return problems;
}
