import type { FieldWriter } from '../drift/index.js';

/**
 * What the agent tells people about. The drift watcher and the sync loop emit
 * these; a sink (Slack, a log, a test recorder) decides how to say it and how
 * often. Sinks must not throw on delivery problems: alerts never stop a sync.
 */
export interface AlertSink {
  /** A drift incident opened, or changed (new fields, new values, a self-heal result). Called again with the same `id`. */
  driftDetected(incident: DriftIncident): Promise<void>;
  /** Live matches the applied snapshot again (or the deleted object is back). */
  driftResolved(incident: DriftIncident): Promise<void>;
  deployFailed(report: DeployFailure): Promise<void>;
  /** Called on every failed fetch; the sink says it once per episode. */
  sourceUnreachable(info: SourceProblem): Promise<void>;
  /** Called when a fetch succeeds; the sink says it only when an episode was open. */
  sourceRecovered(info: SourceProblem): Promise<void>;
  /** Resolves when nothing is being sent. Changes held back by pacing stay held until their time. */
  flush?(): Promise<void>;
  /** Drops held-back changes and stops timers, then waits for sends in flight; nothing is sent after. */
  close?(): Promise<void>;
}

/**
 * Where open drift incidents are kept so that whoever leads next finds them
 * (design §8: a `ladder/drift` commit status on the deployed commit whose link
 * is the incident's thread and whose description summarises it). A sink
 * records each state it says; a new leader's sink asks before opening a
 * thread, and continues the one it finds. Neither call throws.
 */
export interface IncidentLedger {
  /** The thread of an open incident on this object at this commit, as recorded by any leader; undefined when none. */
  openThread(incident: DriftIncident): Promise<{ link: string; openedAt?: Date } | undefined>;
  /** Records the incident's state (open, or resolved) and the link of its thread, when it has one. */
  record(incident: DriftIncident, link: string | undefined): Promise<void>;
}

export interface AlertObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** One managed field that differs. Values are JSON values; both are absent when `masked`. */
export interface DriftFieldChange {
  path: string;
  desired?: unknown;
  live?: unknown;
  /** The field is gone from the live object. */
  missing?: boolean;
  /** Secret data: only the fact that it changed is reported. */
  masked?: boolean;
  changedBy?: FieldWriter;
}

export interface SelfHealResult {
  ok: boolean;
  at: Date;
  /** Why it failed (the API server's message), when it did. */
  message?: string;
}

export interface DriftIncident {
  /** Stable for the life of the incident; a later drift of the same object is a new incident. */
  id: string;
  environment: string;
  /** Manifest commit whose apply produced the snapshot. */
  commit: string;
  object: AlertObject;
  /** Manifest file (path in the manifest repository) the object came from, when known. */
  file?: string;
  kind: 'changed' | 'deleted';
  /** Empty for `deleted`. */
  changes: DriftFieldChange[];
  openedAt: Date;
  /** When the watcher saw the current state: a fallback for writers without a time (scale subresource). */
  observedAt: Date;
  /** 1 when opened, +1 for each change reported. */
  revision: number;
  selfHeal?: SelfHealResult;
  resolvedAt?: Date;
  /** How it resolved: someone fixed it, Ladder healed it, or a new commit made live the desired state. */
  resolution?: 'fixed' | 'healed' | 'superseded';
}

export interface DeployFailure {
  environment: string;
  commit: string;
  /** What failed, one line (the API server's message, or the health timeout). */
  message: string;
  /** Objects and files involved, when known. */
  failures?: Array<{ object?: AlertObject; file?: string; message: string }>;
  at: Date;
}

export interface SourceProblem {
  environment: string;
  /** `owner/name` of the manifest repository. */
  repository: string;
  branch?: string;
  /** The error of the last fetch (never credentials). */
  error?: string;
  /** The commit the agent keeps serving meanwhile. */
  lastGoodCommit?: string;
  at: Date;
}

export function describeObject(object: AlertObject): string {
  return object.namespace ? `${object.kind} ${object.namespace}/${object.name}` : `${object.kind} ${object.name}`;
}

/** A sink that drops everything: for an agent without Slack. */
export const silentSink: AlertSink = {
  driftDetected: async () => {},
  driftResolved: async () => {},
  deployFailed: async () => {},
  sourceUnreachable: async () => {},
  sourceRecovered: async () => {},
};
