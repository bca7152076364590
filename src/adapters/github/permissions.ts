import type { GitHubClient } from './client.js';
import { statusOf } from './errors.js';
import type { Access, CommandPermission, CommenterRule } from './port.js';
import type { RepoRef } from './types.js';

export type { CommandPermission, CommenterRule } from './port.js';

/** Who may do what in one repository. */
export function accessOf(octokit: GitHubClient, repo: RepoRef): Access {
  return {
    permissionOf: (login) => collaboratorPermission(octokit, repo, login),
    mayRunCommands: (login, commenters) => checkCommandPermission(octokit, repo, login, commenters),
  };
}

/**
 * May `login` run a command for an environment? Two conditions, both needed:
 * write (or admin) permission on the repository the comment was made in —
 * the same bar as pushing a commit there —, and, when the environment lists
 * `commenters`, being one of the users or an active member of one of the
 * teams. Team membership needs the App's `members: read` permission.
 */
export async function checkCommandPermission(
  octokit: GitHubClient,
  repo: RepoRef,
  login: string,
  commenters: CommenterRule | undefined,
): Promise<CommandPermission> {
  const permission = await collaboratorPermission(octokit, repo, login);
  if (permission !== 'admin' && permission !== 'write') return { allowed: false, reason: 'no-write-access', permission };
  if (!commenters) return { allowed: true, via: 'write-access' };
  if (commenters.users.some((user) => user.toLowerCase() === login.toLowerCase())) return { allowed: true, via: 'listed-user' };
  for (const team of commenters.teams) {
    if (await isActiveTeamMember(octokit, team, login)) return { allowed: true, via: 'team', team };
  }
  return { allowed: false, reason: 'not-a-commenter', permission };
}

/** `admin`, `write`, `read` or `none` (GitHub folds maintain into write and triage into read here). */
export async function collaboratorPermission(octokit: GitHubClient, repo: RepoRef, login: string): Promise<string> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
    return data.permission;
  } catch (error) {
    // 404: not a collaborator (or no such user) — no access, not an outage.
    if (statusOf(error) === 404) return 'none';
    throw error;
  }
}

/** Whether `login` is an active (not merely invited) member of `org/team-slug`. */
export async function isActiveTeamMember(octokit: GitHubClient, team: string, login: string): Promise<boolean> {
  const slash = team.indexOf('/');
  if (slash <= 0) return false;
  try {
    const { data } = await octokit.rest.teams.getMembershipForUserInOrg({
      org: team.slice(0, slash),
      team_slug: team.slice(slash + 1),
      username: login,
    });
    return data.state === 'active';
  } catch (error) {
    if (statusOf(error) === 404) return false;
    if (statusOf(error) === 403) {
      throw new Error(`cannot read who is in team ${team}: the App needs the organization permission "members: read" (accept it in the organization's App settings)`, { cause: error });
    }
    throw error;
  }
}
