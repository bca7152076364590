/** Small webhook payloads: `status` and `label`. */
import type { components } from '@octokit/openapi-webhooks-types';
import type { Bed } from '../bed.js';
import { restCommit } from '../shapes/git.js';
import { simpleUser } from '../shapes/users.js';
import { label } from '../shapes/issues.js';
import type { CommitStatusState, LabelState, RepoState, User } from '../state.js';
import { installationOf, webhookRepository } from './payloads.js';

type Schemas = components['schemas'];
type StatusPayload = Schemas['webhook-status'];

/** `status`: a commit status was set (how an App learns that checks on a promotion turned green). */
export async function statusPayload(bed: Bed, repo: RepoState, status: CommitStatusState): Promise<StatusPayload> {
  const commit = await bed.git.readCommit(repo.fullName, status.sha);
  if (!commit) throw new Error(`status on missing commit ${status.sha}`);
  // GitHub lists at most 10 branches containing the commit.
  const branches = (await bed.git.branchesContaining(repo.fullName, status.sha)).slice(0, 10);
  // This payload's users are the older shape, without `user_view_type`.
  const olderUser = <T extends { user_view_type?: string } | null>(user: T) => {
    if (!user) return user;
    const { user_view_type: _, ...rest } = user;
    return rest;
  };
  const shaped = restCommit(bed, repo, commit);
  return {
    id: status.id,
    sha: status.sha,
    name: repo.fullName,
    avatar_url: `https://avatars.githubusercontent.com/u/${status.creator.id}?v=4`,
    target_url: status.targetUrl,
    context: status.context,
    description: status.description,
    state: status.state,
    // Via unknown: see payloads.ts on the types package's snapshot drift.
    commit: { ...shaped, author: olderUser(shaped.author), committer: olderUser(shaped.committer) } as unknown as StatusPayload['commit'],
    branches: branches.map((branch) => ({
      name: branch.name,
      commit: { sha: branch.sha, url: bed.urls.repo(repo.fullName, `/commits/${branch.sha}`) },
      protected: repo.protections.has(branch.name),
    })),
    created_at: status.createdAt,
    updated_at: status.createdAt,
    repository: webhookRepository(bed, repo),
    sender: simpleUser(bed.urls, status.creator) as StatusPayload['sender'],
    ...installationOf(bed, repo),
  };
}

/** `label` (created, deleted): a repository label made or removed through the API, as GitHub raises it. */
export function labelPayload(bed: Bed, repo: RepoState, state: LabelState, action: 'created' | 'deleted', sender: User): Schemas['webhook-label-created'] | Schemas['webhook-label-deleted'] {
  return {
    action,
    label: label(bed, repo, state),
    repository: webhookRepository(bed, repo),
    sender: simpleUser(bed.urls, sender) as Schemas['simple-user'],
    ...installationOf(bed, repo),
  } as Schemas['webhook-label-created'] | Schemas['webhook-label-deleted'];
}
