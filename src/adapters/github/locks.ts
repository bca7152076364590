import type { GitHubClient } from './client.js';
import { statusOf } from './errors.js';
import type { Lock, Locks } from './port.js';
import type { RepoRef } from './types.js';

export type { Lock } from './port.js';

/**
 * Environment locks (`/ladder lock prd <reason>`), stored as repository
 * labels on the manifest repository: `ladder-lock:<service>/<env>` whose
 * description is `<login>: <reason>`. Creating the label locks, deleting it
 * unlocks. Labels need no storage of Ladder's own, survive restarts, are
 * visible in GitHub's UI, and a label creation either happens or fails with
 * "already exists", which makes two concurrent locks safe.
 */
export function locksOf(octokit: GitHubClient, repo: RepoRef): Locks {
  return {
    read: (service, environment) => readLock(octokit, repo, service, environment),
    set: (lock) => setLock(octokit, repo, lock),
    clear: (service, environment) => clearLock(octokit, repo, service, environment),
  };
}

/** Every lock label starts with this. */
export const lockLabelPrefix = 'ladder-lock:';
/** GitHub's limits on label names and descriptions. */
const maxNameLength = 50;
const maxDescriptionLength = 100;
const lockColor = 'b60205';

/** The label name for a lock; the service name is shortened when the whole would pass GitHub's 50 characters. */
export function lockLabelName(service: string, environment: string): string {
  const room = maxNameLength - lockLabelPrefix.length - environment.length - 1;
  return `${lockLabelPrefix}${service.slice(0, Math.max(room, 1))}/${environment}`;
}

/** `<login>: <reason>`, cut to GitHub's 100 characters with an ellipsis. */
export function lockDescription(by: string, reason: string): string {
  const full = `${by}: ${reason.replace(/\s+/g, ' ').trim()}`;
  return full.length <= maxDescriptionLength ? full : `${full.slice(0, maxDescriptionLength - 1)}…`;
}

function lockFromDescription(service: string, environment: string, description: string | null | undefined): Lock {
  const text = description ?? '';
  const colon = text.indexOf(': ');
  if (colon <= 0) return { service, environment, by: '', reason: text };
  return { service, environment, by: text.slice(0, colon), reason: text.slice(colon + 2) };
}

/** The lock on (service, environment), or undefined when it is not locked. */
export async function readLock(octokit: GitHubClient, repo: RepoRef, service: string, environment: string): Promise<Lock | undefined> {
  try {
    const { data } = await octokit.rest.issues.getLabel({ ...repo, name: lockLabelName(service, environment) });
    return lockFromDescription(service, environment, data.description);
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

export type SetLockResult = { created: true; lock: Lock } | { created: false; lock: Lock };

/**
 * Locks (service, environment). When it is already locked the existing lock
 * is kept and returned with `created: false`: a second lock must not
 * silently replace someone else's reason.
 */
export async function setLock(
  octokit: GitHubClient,
  repo: RepoRef,
  lock: Lock,
  attempt = 0,
): Promise<SetLockResult> {
  const name = lockLabelName(lock.service, lock.environment);
  const description = lockDescription(lock.by, lock.reason);
  try {
    await octokit.rest.issues.createLabel({ ...repo, name, color: lockColor, description });
    return { created: true, lock: lockFromDescription(lock.service, lock.environment, description) };
  } catch (error) {
    if (statusOf(error) !== 422) throw error;
    const existing = await readLock(octokit, repo, lock.service, lock.environment);
    if (existing) return { created: false, lock: existing };
    // Deleted between our create and read: try once more rather than report a
    // lock that is gone. A 422 with no label behind it is some other refusal.
    if (attempt === 0) return setLock(octokit, repo, lock, 1);
    throw error;
  }
}

/** Unlocks (service, environment); returns the lock it removed, or undefined when there was none. */
export async function clearLock(octokit: GitHubClient, repo: RepoRef, service: string, environment: string): Promise<Lock | undefined> {
  const existing = await readLock(octokit, repo, service, environment);
  if (!existing) return undefined;
  try {
    await octokit.rest.issues.deleteLabel({ ...repo, name: lockLabelName(service, environment) });
  } catch (error) {
    // Someone unlocked it at the same moment: the outcome is the one asked for.
    if (statusOf(error) !== 404) throw error;
  }
  return existing;
}
