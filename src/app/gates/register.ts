import type { Probot } from 'probot';
import { describeGitHubError } from '../../adapters/github/errors.js';
import { retryRateLimits } from '../../adapters/github/octokit.js';
import type { GitHubClient, RepoRef } from '../../adapters/github/types.js';
import { gateContexts } from '../../core/promotion/gates.js';
import type { AppDeps } from '../deps.js';
import { register as registerPromotionChain } from '../promotion-chain/register.js';
import { gateServiceFor } from './service.js';

/**
 * Gates (`ladder/soak`, `ladder/window`, `ladder/lock`) as commit statuses on
 * promotion pull requests, and auto-merge for `autoMerge` environments.
 *
 * - A promotion PR opened, updated or reopened: evaluate its gates.
 * - A deployment status on the manifest repo: the upstream of some PRs
 *   changed, so evaluate every open promotion PR there.
 * - A status, check run or review that could make a PR mergeable: try the
 *   merge (no re-evaluation: gate statuses are kept fresh by the above and
 *   by the recheck scheduler).
 *
 * - On start: every open promotion PR of every installation, since the
 *   recheck timers of a previous process are gone.
 *
 * Promotion by deployment status (src/app/promotion-chain/) is registered
 * here too: it is the other half of "what happens after a deployment".
 */
export function register(app: Probot, deps: AppDeps): void {
  registerPromotionChain(app, deps);
  const gates = gateServiceFor(app, deps);
  // On the queue so tests (and a graceful shutdown) can wait for it.
  void deps.queue
    .run('gates:startup', () => gates.recheckAllInstallations())
    .catch((error: unknown) => (deps.log ?? app.log).error({ err: { message: describeGitHubError(error) } }, 'Re-evaluating promotion pull requests after start failed'));
  const clientOf = (octokit: unknown): GitHubClient => retryRateLimits(octokit as GitHubClient, deps.retry);
  const repoOf = (repository: { owner: { login: string }; name: string }): RepoRef => ({ owner: repository.owner.login, repo: repository.name });

  app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'], async (context) => {
    const { pull_request: pull, repository, installation } = context.payload;
    // Ladder's branches live in the manifest repository itself: a fork's `ladder/…` branch is not Ladder's.
    if (!installation || !pull.head.ref.startsWith('ladder/') || pull.head.repo?.id !== pull.base.repo.id) return;
    void gates.enqueue(installation.id, clientOf(context.octokit), repoOf(repository), { number: pull.number, headRef: pull.head.ref, headSha: pull.head.sha, baseRef: pull.base.ref }, 'evaluate');
  });

  app.on('pull_request.closed', async (context) => {
    gates.forget(repoOf(context.payload.repository), context.payload.pull_request.number);
  });

  app.on('deployment_status', async (context) => {
    const { repository, installation } = context.payload;
    if (!installation) return;
    await gates.enqueueRepository(installation.id, clientOf(context.octokit), repoOf(repository));
  });

  app.on('status', async (context) => {
    const { repository, installation, sha, state, context: statusContext, branches } = context.payload;
    // Ladder's own gate statuses are followed by a merge attempt where they are written.
    if (!installation || state !== 'success' || (gateContexts as readonly string[]).includes(statusContext)) return;
    // CI statuses on code repositories are many: skip those not at the head of a promotion branch.
    // GitHub lists at most 10 branches containing the commit, so a full list proves nothing.
    const atPromotionHead = branches.some((branch) => branch.name.startsWith('ladder/') && branch.commit.sha === sha);
    if (!atPromotionHead && branches.length < 10) return;
    await gates.enqueueForHead(installation.id, clientOf(context.octokit), repoOf(repository), sha);
  });

  app.on('check_run.completed', async (context) => {
    const { repository, installation, check_run: run } = context.payload;
    if (!installation || run.conclusion !== 'success') return;
    await gates.enqueueForHead(installation.id, clientOf(context.octokit), repoOf(repository), run.head_sha);
  });

  app.on('pull_request_review.submitted', async (context) => {
    const { pull_request: pull, repository, installation, review } = context.payload;
    if (!installation || review.state.toLowerCase() !== 'approved' || !pull.head.ref.startsWith('ladder/') || pull.head.repo?.id !== pull.base.repo.id) return;
    void gates.enqueue(installation.id, clientOf(context.octokit), repoOf(repository), { number: pull.number, headRef: pull.head.ref, headSha: pull.head.sha, baseRef: pull.base.ref }, 'merge');
  });
}
