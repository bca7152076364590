import { randomUUID } from 'node:crypto';
import { canonicalJson, type DriftResult, type FieldDrift } from './index.js';
import type { AlertObject, DriftFieldChange, DriftIncident } from '../alerts/types.js';

export type Drifted = Extract<DriftResult, { status: 'drifted' | 'deleted' }>;

export function isDrift(result: DriftResult): result is Drifted {
  return result.status === 'drifted' || result.status === 'deleted';
}

/** Equal for two results that would read the same in a report (writers aside). */
export function signatureOf(result: Drifted): string {
  if (result.status === 'deleted') return 'deleted';
  return canonicalJson(result.changes.map((c) => [c.path, c.masked ? 'masked' : [c.desired ?? null, c.missing ? 'missing' : (c.live ?? null)]]));
}

export function openIncident(input: { environment: string; commit: string; object: AlertObject; file?: string }, result: Drifted, now: Date): DriftIncident {
  const incident: DriftIncident = {
    id: `drift-${randomUUID()}`,
    environment: input.environment,
    commit: input.commit,
    object: input.object,
    kind: result.status === 'deleted' ? 'deleted' : 'changed',
    changes: result.status === 'deleted' ? [] : toChanges(result.changes),
    openedAt: now,
    observedAt: now,
    revision: 1,
  };
  if (input.file) incident.file = input.file;
  return incident;
}

export function updateIncident(incident: DriftIncident, result: Drifted, now: Date, commit: string): DriftIncident {
  const next: DriftIncident = {
    ...incident,
    commit,
    kind: result.status === 'deleted' ? 'deleted' : 'changed',
    changes: result.status === 'deleted' ? [] : toChanges(result.changes),
    observedAt: now,
    revision: incident.revision + 1,
  };
  delete next.selfHeal;
  return next;
}

export function resolveIncident(incident: DriftIncident, now: Date, resolution: NonNullable<DriftIncident['resolution']>): DriftIncident {
  return { ...incident, resolvedAt: now, observedAt: now, resolution };
}

function toChanges(changes: FieldDrift[]): DriftFieldChange[] {
  return changes.map(({ elements: _elements, ...change }) => change);
}
