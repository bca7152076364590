import type { GitHubClient } from './client.js';
import { statusOf } from './errors.js';
import type { Access, CommandNeed, CommandPermission } from './port.js';
import type { RepoRef } from './types.js';

export type { CommandNeed, CommandPermission, CommenterRule } from './port.js';

/** Who may do what in one repository. */
export function accessOf(octokit: GitHubClient, repo: RepoRef): Access {
  return {
    permissionOf: (login) => collaboratorPermission(octokit, repo, login),
    mayRunCommands: (login, need) => checkCommandPermission(octokit, repo, login, need),
  };
}

/**
 * May `login` run a command? Both conditions are needed: the access level on
 * the repository the command acts on (the manifest repository: write for
 * what changes an environment, the same bar as pushing there; read for what
 * shows its content), and, for each commenter rule, being one of its users or
 * an active member of one of its teams. Team membership needs the App's
 * `members: read` permission.
 */
export async function checkCommandPermission(octokit: GitHubClient, repo: RepoRef, login: string, need: CommandNeed): Promise<CommandPermission> {
  const permission = await collaboratorPermission(octokit, repo, login);
  const writes = permission === 'admin' || permission === 'write';
  if (need.access === 'write' && !writes) return { allowed: false, reason: 'no-write-access', permission };
  if (need.access === 'read' && !writes && permission !== 'read') return { allowed: false, reason: 'no-read-access', permission };
  let via: CommandPermission & { allowed: true } = { allowed: true, via: writes ? 'write-access' : 'read-access' };
  for (const rule of need.commenters) {
    if (rule.users.some((user) => user.toLowerCase() === login.toLowerCase())) {
      via = { allowed: true, via: 'listed-user' };
      continue;
    }
    let member: string | undefined;
    for (const team of rule.teams) {
      if (await isActiveTeamMember(octokit, team, login)) {
        member = team;
        break;
      }
    }
    if (member === undefined) return { allowed: false, reason: 'not-a-commenter', permission };
    via = { allowed: true, via: 'team', team: member };
  }
  return via;
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
