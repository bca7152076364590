import type { Permission, RepoState, State, User } from './state.js';

/**
 * Repository roles as GitHub has them (read, triage, write, maintain, admin),
 * from every source of grants: the repository's own, the organization's base
 * permission for its members, and organization ownership.
 */
export type Role = Permission;

const rank: Record<Role, number> = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 };

export function atLeast(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}

function higher(a: Role, b: Role): Role {
  return rank[a] >= rank[b] ? a : b;
}

/** The effective role of `user` on `repo`: the highest of every grant (read, for anyone, on a public repository). */
export function roleOf(state: State, repo: RepoState, user: User): Role {
  if (user.id === repo.owner.id) return 'admin';
  let role = repo.permissions.get(user.login.toLowerCase()) ?? 'none';
  const membership = state.orgMembership(repo.owner.login, user.login);
  if (membership?.state === 'active') role = higher(role, membership.role === 'admin' ? 'admin' : (state.org(repo.owner.login)?.basePermission ?? 'read'));
  // Everyone may read a public repository.
  return repo.private ? role : higher(role, 'read');
}

/**
 * The legacy `permission` of the collaborator-permission API and of webhooks:
 * "the `maintain` role is mapped to `write` and the `triage` role is mapped to `read`".
 */
export function legacyPermission(role: Role): 'admin' | 'write' | 'read' | 'none' {
  if (role === 'maintain') return 'write';
  if (role === 'triage') return 'read';
  return role;
}

/** The `permissions` flags GitHub shows for a role (repositories, collaborators). */
export function permissionFlags(role: Role) {
  return {
    admin: atLeast(role, 'admin'),
    maintain: atLeast(role, 'maintain'),
    push: atLeast(role, 'write'),
    triage: atLeast(role, 'triage'),
    pull: atLeast(role, 'read'),
  };
}

export type AuthorAssociation = 'OWNER' | 'MEMBER' | 'COLLABORATOR' | 'CONTRIBUTOR' | 'FIRST_TIME_CONTRIBUTOR' | 'FIRST_TIMER' | 'NONE';

/**
 * GitHub's `author_association` of `user` with `repo`, first match wins:
 * OWNER (owns the repository), MEMBER (of the organization that owns it),
 * COLLABORATOR (granted access to it), CONTRIBUTOR (has committed to it: a
 * merged pull request here), FIRST_TIME_CONTRIBUTOR (has pull requests here,
 * none merged, but has contributed elsewhere), FIRST_TIMER (has pull requests
 * here and has never contributed anywhere), NONE.
 */
export function authorAssociation(state: State, repo: RepoState, user: User): AuthorAssociation {
  if (user.id === repo.owner.id) return 'OWNER';
  if (state.orgMembership(repo.owner.login, user.login)?.state === 'active') return 'MEMBER';
  const granted = repo.permissions.get(user.login.toLowerCase());
  if (granted && granted !== 'none') return 'COLLABORATOR';
  const authored = [...repo.pulls.values()].filter((pull) => pull.user.id === user.id);
  if (authored.some((pull) => pull.mergedAt)) return 'CONTRIBUTOR';
  if (authored.length === 0) return 'NONE';
  const contributedElsewhere = [...state.repos.values()].some((other) => [...other.pulls.values()].some((pull) => pull.user.id === user.id && pull.mergedAt));
  return contributedElsewhere ? 'FIRST_TIME_CONTRIBUTOR' : 'FIRST_TIMER';
}
