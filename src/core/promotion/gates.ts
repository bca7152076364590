import type { DeployWindow, EnvironmentConfig } from '../config/schema.js';
import { parseDuration } from '../time/duration.js';
import { formatLocal, windowSchedule } from '../time/window-schedule.js';

/**
 * Ladder's own merge gates on a promotion pull request, as commit statuses.
 * Each is pure: callers read the world (deployments, config, labels) and the
 * clock, and set the result; `recheckAt` says when the answer changes by the
 * passing of time alone, so a scheduler can re-evaluate then.
 */

export type GateContext = 'ladder/soak' | 'ladder/window' | 'ladder/lock' | 'ladder/image';
export type GateState = 'success' | 'pending' | 'failure';

export interface GateResult {
  context: GateContext;
  state: GateState;
  /** At most 140 characters: GitHub's limit for a status description. */
  description: string;
  recheckAt?: Date;
}

/** The gates every promotion has; `ladder/image` joins them when the App checks images (image-gate.ts). */
export const gateContexts: readonly GateContext[] = ['ladder/soak', 'ladder/window', 'ladder/lock'];

export type DeploymentState = 'success' | 'failure' | 'error' | 'pending' | 'in_progress' | 'queued' | 'inactive';

/** The newest deployment of an environment and its latest status. */
export interface UpstreamDeployment {
  /** The `Ladder-Image` of the deployed manifest commit; undefined when it has no Ladder trailers. */
  image?: string;
  state: DeploymentState;
  /** When the latest status was written. */
  at: Date;
  /** The latest status's description (what failed, for failures). */
  description?: string;
}

const statusDescriptionLimit = 140;

export function clipDescription(text: string): string {
  return text.length <= statusDescriptionLimit ? text : `${text.slice(0, statusDescriptionLimit - 1)}…`;
}

function isoSeconds(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Two image references name the same image: equal digests when both have
 * one, otherwise the same `name:tag`.
 */
export function sameImage(a: string, b: string): boolean {
  const [nameA = '', digestA] = a.split('@');
  const [nameB = '', digestB] = b.split('@');
  if (digestA && digestB) return digestA === digestB;
  return nameA === nameB;
}

export function soakGate(input: {
  environment: Pick<EnvironmentConfig, 'name' | 'from' | 'soak'>;
  /** The image the promotion pull request deploys. */
  image: string;
  upstream: UpstreamDeployment | undefined;
  now: Date;
}): GateResult {
  const { environment, image, upstream, now } = input;
  const result = (state: GateState, description: string, recheckAt?: Date): GateResult => ({
    context: 'ladder/soak',
    state,
    description: clipDescription(description),
    ...(recheckAt ? { recheckAt } : {}),
  });
  if (!('environment' in environment.from)) {
    return result('success', `No soak: ${environment.name} is fed by branch ${environment.from.branch}`);
  }
  const source = environment.from.environment;
  if (!upstream) return result('pending', `Waiting for ${source} to report a deployment`);
  if (upstream.state === 'failure' || upstream.state === 'error') {
    const why = upstream.description ? `: ${upstream.description}` : '';
    return result('failure', `${source}'s latest deployment failed${why}`);
  }
  if (upstream.state !== 'success') {
    return result('pending', `Waiting for ${source}: its latest deployment is ${upstream.state.replace('_', ' ')}`);
  }
  if (!upstream.image || !sameImage(upstream.image, image)) {
    return result('pending', `${source} now runs another image; waiting for this promotion to follow it`);
  }
  if (!environment.soak) return result('success', `${source} deployed this image successfully`);
  const soakMs = parseDuration(environment.soak);
  const until = new Date(upstream.at.getTime() + soakMs);
  // Descriptions name instants, not elapsed times, so re-evaluating without a change rewrites nothing.
  const since = `${source} healthy since ${isoSeconds(upstream.at)}`;
  if (now.getTime() >= until.getTime()) return result('success', `${since} (soak ${environment.soak})`);
  return result('pending', `Soaking until ${isoSeconds(until)}: ${since}, soak ${environment.soak}`, until);
}

export function windowGate(input: { windows: readonly DeployWindow[]; now: Date }): GateResult {
  const { windows, now } = input;
  if (windows.length === 0) return { context: 'ladder/window', state: 'success', description: 'No deploy windows: always open' };
  const schedule = windowSchedule(windows, now);
  const when = schedule.changesAt && schedule.timeZone ? formatLocal(schedule.changesAt, schedule.timeZone) : undefined;
  const recheck = schedule.changesAt ? { recheckAt: schedule.changesAt } : {};
  if (schedule.open) {
    const description = when ? `Deploy window open until ${when}` : 'Deploy window open';
    return { context: 'ladder/window', state: 'success', description: clipDescription(description), ...recheck };
  }
  const description = when ? `Deploy window closed; opens ${when}` : 'Deploy window closed; it does not open in the next week';
  return { context: 'ladder/window', state: 'pending', description: clipDescription(description), ...recheck };
}

export function lockGate(lock: { by: string; reason: string } | undefined): GateResult {
  if (!lock) return { context: 'ladder/lock', state: 'success', description: 'Not locked' };
  const reason = lock.reason ? `: ${lock.reason}` : '';
  return { context: 'ladder/lock', state: 'failure', description: clipDescription(`Locked by ${lock.by}${reason}`) };
}

/** The earliest instant any of the gates changes by time alone. */
export function nextRecheck(results: readonly GateResult[]): Date | undefined {
  let earliest: Date | undefined;
  for (const result of results) {
    if (result.recheckAt && (!earliest || result.recheckAt < earliest)) earliest = result.recheckAt;
  }
  return earliest;
}
