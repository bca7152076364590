import type { Probot } from 'probot';
import { deliveryWorkFailed } from '../deliveries/delivery-scope.js';
import { describeGitHubError } from '../../adapters/github/errors.js';
import { lockLabelPrefix } from '../../adapters/github/locks.js';
import type { GitHub } from '../../adapters/github/port.js';
import type { RepoRef } from '../../adapters/github/types.js';
import { commandLines, parseCommandComment } from '../../core/commands/parse.js';
import { packReplies } from '../../core/commands/replies.js';
import type { LadderServices } from '../compose.js';
import { runCommands } from './run.js';
import { resolveCommandTarget } from './target.js';

/**
 * `/ladder …` comments on pull requests (design §6). Only new comments
 * count — an edit does not run a command twice — and never Ladder's own or
 * another bot's. The work runs on the App's queue so the webhook is answered
 * quickly; once the pull request is known to be a Ladder service's, receipt
 * is acknowledged with 👀, and the outcome comes back as one reply (several
 * when it is too long for one comment).
 */
export function register(app: Probot, services: LadderServices): void {
  // A lock label created or deleted by hand (GitHub's label settings) changes the `ladder/lock` gate
  // just as a command does; the App's own label changes are followed up where it makes them.
  app.on(['label.created', 'label.deleted'], async (context) => {
    const { label, repository, installation, sender } = context.payload;
    if (!installation || sender?.type === 'Bot' || !label.name.startsWith(lockLabelPrefix)) return;
    await services.gates.enqueueRepository(installation.id, services.github.fromClient(context.octokit), { owner: repository.owner.login, repo: repository.name });
  });

  const taken = services.takenComments;
  app.on('issue_comment.created', async (context) => {
    const { comment, issue, sender, repository } = context.payload;
    const log = services.log.child({ feature: 'commands', repo: repository.full_name, pull: issue.number, comment: comment.id });
    if (!issue.pull_request) return void log.debug('Not a pull request, ignoring');
    if (sender.type === 'Bot' || comment.user?.type === 'Bot') return void log.debug('Comment by a bot, ignoring');
    if (commandLines(comment.body ?? '').length === 0) return;
    const commentKey = `${repository.full_name}#${comment.id}`;
    if (!taken.take(commentKey)) return void log.info('Comment already handled (redelivery), ignoring');
    const github = services.github.fromClient(context.octokit);
    const repo: RepoRef = { owner: repository.owner.login, repo: repository.name };
    // One comment's commands run in order, one comment at a time per pull request.
    const installationId = context.payload.installation?.id;
    // A lock set or cleared changes the `ladder/lock` gate of the manifest repository's open promotion PRs.
    const onLockChanged = (manifestRepo: RepoRef) => {
      if (installationId === undefined) return;
      services.gates
        .enqueueRepository(installationId, github, manifestRepo)
        .catch((error: unknown) => log.error({ err: error }, 'Re-evaluating gates after a lock change failed'));
    };
    const asked = { repo, pullNumber: issue.number, commentId: comment.id, body: comment.body ?? '', login: sender.login };
    void services.queue.run(`commands:${repository.full_name}#${issue.number}`, () =>
      answerComment(services, github, asked, onLockChanged).catch((error: unknown) => {
        taken.release(commentKey);
        deliveryWorkFailed();
        log.error({ err: error }, 'Comment commands failed');
        return reply(github, repo, issue.number, [`Something went wrong running this comment's commands: ${describeGitHubError(error)}. Try again in a moment.`]).catch(() => undefined);
      }),
    );
  });
}

/** Works out which service the comment is about, runs its commands in order, and replies. */
async function answerComment(
  services: LadderServices,
  github: GitHub,
  comment: { repo: RepoRef; pullNumber: number; commentId: number; body: string; login: string },
  onLockChanged: (manifestRepo: RepoRef) => void,
): Promise<void> {
  const { repo, pullNumber } = comment;
  const log = services.log.child({ feature: 'commands', repo: `${repo.owner}/${repo.repo}`, pull: pullNumber });
  const resolved = await resolveCommandTarget(github, repo, pullNumber);
  // A repository without Ladder configuration gets nothing, not even the 👀: anyone who can comment could make Ladder spend the installation's rate limit.
  if (!resolved.ok && !resolved.reply) return void log.info(resolved.log);
  await github.pulls(repo).acknowledgeComment(comment.commentId);
  if (!resolved.ok) {
    log.info(resolved.log);
    await reply(github, repo, pullNumber, [resolved.reply!]);
    return;
  }
  const { target } = resolved;
  const parsed = parseCommandComment(comment.body, { environments: target.config.environments.map((env) => env.name) });
  const sections = await runCommands({ github, services, log: log.child({ service: target.config.service }), target, login: comment.login, onLockChanged: () => onLockChanged(target.manifestRepo) }, parsed);
  await reply(github, repo, pullNumber, sections);
}

async function reply(github: GitHub, repo: RepoRef, issueNumber: number, sections: string[]): Promise<void> {
  for (const body of packReplies(sections)) await github.pulls(repo).comment(issueNumber, body);
}
