import type { Bed } from '../bed.js';
import { refreshPull } from '../pull-status.js';
import type { RepoState, User } from '../state.js';
import {
  deploymentStatusPayload,
  issueCommentPayload,
  pullRequestPayload,
  pullRequestReviewPayload,
  pushPayload,
} from './payloads.js';

/**
 * Payloads built from the server's current state, for tests that send a
 * webhook by hand (`sendWebhook`) instead of letting an API call raise it.
 * `sender` is a login; it defaults to the repository owner.
 */
export interface PayloadBuilders {
  pullRequest(
    fullName: string,
    number: number,
    action: 'opened' | 'closed' | 'reopened' | 'synchronize' | 'edited',
    options?: { sender?: string },
  ): Promise<object>;
  push(fullName: string, change: { ref: string; before: string | null; after: string | null; forced?: boolean; sender?: string }): Promise<object>;
  issueComment(fullName: string, commentId: number, action?: 'created' | 'edited' | 'deleted'): object;
  pullRequestReview(fullName: string, reviewId: number): Promise<object>;
  deploymentStatus(fullName: string, deploymentId: number, statusId?: number): object;
}

export function buildPayloads(bed: Bed, repoOf: (fullName: string) => RepoState): PayloadBuilders {
  const senderOf = (repo: RepoState, login: string | undefined): User => (login ? bed.state.user(login) : repo.owner);
  const missing = (what: string): never => {
    throw new Error(`the test server has no ${what}`);
  };
  return {
    async pullRequest(fullName, number, action, options = {}) {
      const repo = repoOf(fullName);
      const pull = repo.pulls.get(number) ?? missing(`pull request #${number} in ${fullName}`);
      await refreshPull(bed, repo, pull);
      return pullRequestPayload(bed, repo, pull, action, senderOf(repo, options.sender));
    },
    push(fullName, change) {
      const repo = repoOf(fullName);
      return pushPayload(bed, repo, { ...change, forced: change.forced ?? false }, senderOf(repo, change.sender));
    },
    issueComment(fullName, commentId, action = 'created') {
      const repo = repoOf(fullName);
      const comment = repo.comments.get(commentId) ?? missing(`comment ${commentId} in ${fullName}`);
      const pull = repo.pulls.get(comment.issueNumber) ?? missing(`pull request #${comment.issueNumber}`);
      return issueCommentPayload(bed, repo, pull, comment, action, comment.user);
    },
    async pullRequestReview(fullName, reviewId) {
      const repo = repoOf(fullName);
      const review = repo.reviews.find((r) => r.id === reviewId) ?? missing(`review ${reviewId} in ${fullName}`);
      const pull = repo.pulls.get(review.pullNumber) ?? missing(`pull request #${review.pullNumber}`);
      return pullRequestReviewPayload(bed, repo, pull, review);
    },
    deploymentStatus(fullName, deploymentId, statusId) {
      const repo = repoOf(fullName);
      const parent = repo.deployments.get(deploymentId) ?? missing(`deployment ${deploymentId} in ${fullName}`);
      const status =
        (statusId === undefined ? parent.statuses.at(-1) : parent.statuses.find((s) => s.id === statusId)) ??
        missing(`status ${statusId ?? '(latest)'} of deployment ${deploymentId}`);
      return deploymentStatusPayload(bed, repo, parent, status, status.creator);
    },
  };
}
