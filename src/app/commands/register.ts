import type { Context, Probot } from 'probot';
import { retryRateLimits } from '../../adapters/github/octokit.js';
import { describeGitHubError } from '../../adapters/github/errors.js';
import { lockLabelPrefix } from '../../adapters/github/locks.js';
import type { GitHubClient, RepoRef } from '../../adapters/github/types.js';
import { commandLines, parseCommandComment } from '../../core/commands/parse.js';
import { packReplies } from '../../core/commands/replies.js';
import type { AppDeps } from '../deps.js';
import { gateServiceFor } from '../gates/service.js';
import { runCommands } from './run.js';
import { resolveCommandTarget } from './target.js';
import { TakenComments } from './taken-comments.js';

/**
 * `/ladder …` comments on pull requests (design §6). Only new comments
 * count — an edit does not run a command twice — and never Ladder's own or
 * another bot's. Receipt is acknowledged with 👀 at once; the work runs on
 * the App's queue so the webhook is answered quickly, and the outcome comes
 * back as one reply (several when it is too long for one comment).
 */
export function register(app: Probot, deps: AppDeps): void {
  // A lock label created or deleted by hand (GitHub's label settings) changes the `ladder/lock` gate
  // just as a command does; the App's own label changes are followed up where it makes them.
  app.on(['label.created', 'label.deleted'], async (context) => {
    const { label, repository, installation, sender } = context.payload;
    if (!installation || sender?.type === 'Bot' || !label.name.startsWith(lockLabelPrefix)) return;
    const octokit = retryRateLimits(context.octokit as unknown as GitHubClient, deps.retry);
    await gateServiceFor(app, deps).enqueueRepository(installation.id, octokit, { owner: repository.owner.login, repo: repository.name });
  });

  const taken = new TakenComments();
  app.on('issue_comment.created', async (context) => {
    const { comment, issue, sender, repository } = context.payload;
    const log = (deps.log ?? context.log).child({ feature: 'commands', repo: repository.full_name, pull: issue.number, comment: comment.id });
    if (!issue.pull_request) return void log.debug('Not a pull request, ignoring');
    if (sender.type === 'Bot' || comment.user?.type === 'Bot') return void log.debug('Comment by a bot, ignoring');
    if (commandLines(comment.body ?? '').length === 0) return;
    const commentKey = `${repository.full_name}#${comment.id}`;
    if (!taken.take(commentKey)) return void log.info('Comment already handled (redelivery), ignoring');
    const octokit = retryRateLimits(context.octokit as unknown as GitHubClient, deps.retry);
    const repo: RepoRef = { owner: repository.owner.login, repo: repository.name };
    try {
      await octokit.rest.reactions.createForIssueComment({ ...repo, comment_id: comment.id, content: 'eyes' });
    } catch (error) {
      taken.release(commentKey);
      throw error;
    }
    // One comment's commands run in order, one comment at a time per pull request.
    const installationId = context.payload.installation?.id;
    // A lock set or cleared changes the `ladder/lock` gate of the manifest repository's open promotion PRs.
    const onLockChanged = (manifestRepo: RepoRef) => {
      if (installationId === undefined) return;
      gateServiceFor(app, deps)
        .enqueueRepository(installationId, octokit, manifestRepo)
        .catch((error: unknown) => log.error({ err: error }, 'Re-evaluating gates after a lock change failed'));
    };
    void deps.queue.run(`commands:${repository.full_name}#${issue.number}`, () =>
      handleComment(context, octokit, repo, issue.number, comment.body ?? '', sender.login, deps, onLockChanged).catch((error: unknown) => {
        taken.release(commentKey);
        log.error({ err: error }, 'Comment commands failed');
        return reply(octokit, repo, issue.number, [`Something went wrong running this comment's commands: ${describeGitHubError(error)}. Try again in a moment.`]).catch(() => undefined);
      }),
    );
  });
}

async function handleComment(
  context: Context<'issue_comment.created'>,
  octokit: GitHubClient,
  repo: RepoRef,
  pullNumber: number,
  body: string,
  login: string,
  deps: AppDeps,
  onLockChanged: (manifestRepo: RepoRef) => void,
): Promise<void> {
  const log = (deps.log ?? context.log).child({ feature: 'commands', repo: `${repo.owner}/${repo.repo}`, pull: pullNumber });
  const resolved = await resolveCommandTarget(octokit, repo, pullNumber);
  if (!resolved.ok) {
    log.info(resolved.log);
    if (resolved.reply) await reply(octokit, repo, pullNumber, [resolved.reply]);
    return;
  }
  const { target } = resolved;
  const parsed = parseCommandComment(body, { environments: target.config.environments.map((env) => env.name) });
  const sections = await runCommands({ octokit, deps, log, target, login, onLockChanged: () => onLockChanged(target.manifestRepo) }, parsed);
  await reply(octokit, repo, pullNumber, sections);
}

async function reply(octokit: GitHubClient, repo: RepoRef, issueNumber: number, sections: string[]): Promise<void> {
  for (const body of packReplies(sections)) await octokit.rest.issues.createComment({ ...repo, issue_number: issueNumber, body });
}
