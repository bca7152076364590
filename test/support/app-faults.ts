import assert from 'node:assert/strict';
import type { FaultSpec } from '../bed/github/index.js';
import { parseTrailers } from '../../src/core/promotion/trailers.js';
import type { AppHarness } from './app-harness.js';
import { branchesOf, checkRunsOf, promotionConfig, pullsOf } from './app-promotion.js';

/** Shared by the app-promotion-faults-* tests: services to break, and what "consistent" means afterwards. */

export type Failure = 'a 502' | 'a secondary rate limit' | 'a 502 after the change was made';

export const failures: Record<Failure, Omit<FaultSpec, 'route' | 'match'>> = {
  'a 502': { status: 502 },
  'a secondary rate limit': { secondaryRateLimit: { retryAfterSeconds: 1 } },
  'a 502 after the change was made': { status: 502, afterHandler: true },
};

/** Every route the first promotion of a service uses (with reviewers and labels). */
export const firstPromotionRoutes = [
  'GET /repos/{owner}/{repo}/contents/{path}',
  'GET /repos/{owner}/{repo}/git/ref/{ref}',
  'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
  'GET /repos/{owner}/{repo}/pulls',
  'POST /repos/{owner}/{repo}/git/trees',
  'POST /repos/{owner}/{repo}/git/commits',
  'POST /repos/{owner}/{repo}/git/refs',
  'GET /repos/{owner}/{repo}/commits',
  'GET /repos/{owner}/{repo}/compare/{basehead}',
  'POST /repos/{owner}/{repo}/pulls',
  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
  'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
  'POST /repos/{owner}/{repo}/check-runs',
];

/** Routes only the update of an open promotion PR uses. */
export const updateRoutes = [
  'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
  'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
  'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
];

export interface FaultService {
  codeRepo: string;
  manifestRepo: string;
  name: string;
}

let serial = 0;

/** A fresh service with a reviewer, so every step of a promotion runs. */
export async function faultService(h: AppHarness, prefix: string): Promise<FaultService> {
  const name = `${prefix}${++serial}`;
  const config = promotionConfig({ service: name, devExtra: ['    reviewers: { users: [alice] }'] });
  const repos = await h.createService({ service: name, config });
  h.github.setPermission(repos.manifestRepo, 'alice', 'write');
  return { ...repos, name };
}

/**
 * A fault confined to the service's repositories, and for opening pull
 * requests to the manifest repository (the test's own code PR is not the App's).
 */
export function confinedFault(h: AppHarness, s: FaultService, route: string, spec: Omit<FaultSpec, 'route' | 'match'>, times = 1) {
  const code = s.codeRepo.split('/')[1];
  const manifests = s.manifestRepo.split('/')[1];
  const onlyManifests = route.startsWith('POST /repos/{owner}/{repo}/pulls') && !route.includes('requested_reviewers');
  return h.github.faults.add({
    ...spec,
    route,
    times,
    match: (r) => r.params.repo === manifests || (!onlyManifests && r.params.repo === code),
  });
}

/**
 * One open PR at the branch head describing `mergeSha`, no other branch,
 * labelled once, one successful check on the commit — or, after failures the
 * test provoked on purpose (`failedBefore`), a successful latest one.
 */
export async function assertConsistent(h: AppHarness, s: FaultService, mergeSha: string, message: string, failedBefore = false): Promise<void> {
  const pulls = await pullsOf(h, s.manifestRepo, 'all');
  assert.equal(pulls.length, 1, `${message}: one PR`);
  const heads = branchesOf(h, s.manifestRepo);
  assert.deepEqual([...heads.keys()].sort(), ['dev', `ladder/${s.name}/dev`, 'main', 'prd', 'stg'], `${message}: no orphan branch`);
  assert.equal(pulls[0]?.head.sha, heads.get(`ladder/${s.name}/dev`), `${message}: the PR points at the branch`);
  assert.equal(parseTrailers(pulls[0]?.body ?? '')?.sourceSha, mergeSha, `${message}: the body describes the newest commit`);
  assert.deepEqual(pulls[0]?.labels.map((l) => l.name), ['env:dev'], `${message}: labelled once`);
  const checks = (await checkRunsOf(h, s.codeRepo, mergeSha)).filter((r) => r.name === 'ladder/promote (dev)').sort((a, b) => b.id - a.id);
  if (!failedBefore) assert.equal(checks.length, 1, `${message}: one check run on the commit`);
  assert.equal(checks[0]?.conclusion, 'success', `${message}: ${checks[0]?.output.summary}`);
}
