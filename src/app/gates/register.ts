import type { Probot } from 'probot';
import { describeGitHubError } from '../../adapters/github/errors.js';
import type { RepoRef } from '../../adapters/github/types.js';
import { gateContexts } from '../../core/promotion/gates.js';
import { imageContext } from '../../core/promotion/image-gate.js';
import { publishedPackage } from './package-event.js';
import type { LadderServices } from '../compose.js';

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
 * - A package published (`registry_package`) or a code repository's
 *   workflow run succeeding (`workflow_run`): re-check the `ladder/image`
 *   gate of the promotion PRs waiting for that image (image gate on).
 *
 * - On start: every open promotion PR of every installation, since the
 *   recheck timers of a previous process are gone.
 */
export function register(app: Probot, services: LadderServices): void {
  const { gates } = services;
  // On the queue so tests (and a graceful shutdown) can wait for it.
  void services.queue
    .run('gates:startup', () => gates.recheckAllInstallations())
    .catch((error: unknown) => services.log.error({ err: { message: describeGitHubError(error) } }, 'Re-evaluating promotion pull requests after start failed'));
  const githubOf = (octokit: unknown) => services.github.fromClient(octokit);
  const repoOf = (repository: { owner: { login: string }; name: string }): RepoRef => ({ owner: repository.owner.login, repo: repository.name });

  app.on(['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened'], async (context) => {
    const { pull_request: pull, repository, installation } = context.payload;
    // Ladder's branches live in the manifest repository itself: a fork's `ladder/…` branch is not Ladder's.
    if (!installation || !pull.head.ref.startsWith('ladder/') || pull.head.repo?.id !== pull.base.repo.id) return;
    void gates.enqueue(installation.id, githubOf(context.octokit), repoOf(repository), { number: pull.number, headRef: pull.head.ref, headSha: pull.head.sha, baseRef: pull.base.ref }, 'evaluate');
  });

  app.on('pull_request.closed', async (context) => {
    const { pull_request: pull, repository } = context.payload;
    gates.forget(repoOf(repository), pull.number);
    const { installation } = context.payload;
    if (installation && pull.merged && pull.merge_commit_sha && pull.head.ref.startsWith('ladder/') && pull.head.repo?.id === pull.base.repo.id) {
      const promotion = { number: pull.number, headRef: pull.head.ref, headSha: pull.head.sha, baseRef: pull.base.ref, mergeSha: pull.merge_commit_sha };
      await gates.carryImageStatus(installation.id, githubOf(context.octokit), repoOf(repository), promotion);
    }
  });

  app.on('deployment_status', async (context) => {
    const { repository, installation } = context.payload;
    if (!installation) return;
    await gates.enqueueRepository(installation.id, githubOf(context.octokit), repoOf(repository));
  });

  app.on('status', async (context) => {
    const { repository, installation, sha, state, context: statusContext, branches } = context.payload;
    // Ladder's own gate statuses are followed by a merge attempt where they are written.
    if (!installation || state !== 'success' || [...gateContexts, imageContext].includes(statusContext as never)) return;
    // CI statuses on code repositories are many: skip those not at the head of a promotion branch.
    // GitHub lists at most 10 branches containing the commit, so a full list proves nothing.
    const atPromotionHead = branches.some((branch) => branch.name.startsWith('ladder/') && branch.commit.sha === sha);
    if (!atPromotionHead && branches.length < 10) return;
    await gates.enqueueForHead(installation.id, githubOf(context.octokit), repoOf(repository), sha);
  });

  app.on('check_run.completed', async (context) => {
    const { repository, installation, check_run: run } = context.payload;
    if (!installation || run.conclusion !== 'success') return;
    await gates.enqueueForHead(installation.id, githubOf(context.octokit), repoOf(repository), run.head_sha);
  });

  app.on(['registry_package.published', 'registry_package.updated'], async (context) => {
    const published = publishedPackage(context.payload.registry_package);
    if (!published) return;
    const queued = gates.recheckForPackage(published);
    services.log.debug({ package: published.name, tags: published.tags, queued }, 'Package published');
  });

  app.on('workflow_run.completed', async (context) => {
    const { workflow_run: run, repository } = context.payload;
    // A failed or cancelled run pushed nothing worth a registry request; the scheduled recheck still runs.
    if (run.conclusion !== 'success') return;
    gates.recheckForWorkflowRun({ repository: repository.full_name, headSha: run.head_sha });
  });

  app.on('pull_request_review.submitted', async (context) => {
    const { pull_request: pull, repository, installation, review } = context.payload;
    if (!installation || review.state.toLowerCase() !== 'approved' || !pull.head.ref.startsWith('ladder/') || pull.head.repo?.id !== pull.base.repo.id) return;
    void gates.enqueue(installation.id, githubOf(context.octokit), repoOf(repository), { number: pull.number, headRef: pull.head.ref, headSha: pull.head.sha, baseRef: pull.base.ref }, 'merge');
  });
}
