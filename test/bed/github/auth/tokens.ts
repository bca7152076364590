import { randomBytes, type KeyObject } from 'node:crypto';
import { ApiError, forbidden, notFound, unauthorized } from '../http.js';
import type { Permission, RepoState, User } from '../state.js';
import { verifyAppJwt } from './jwt.js';

export type AccessLevel = 'read' | 'write';
export type Permissions = Record<string, AccessLevel>;

export interface Installation {
  id: number;
  account: User;
  repositorySelection: 'all' | 'selected';
  /** Lower-case full names when the selection is `selected`. */
  repositories: Set<string>;
  permissions: Permissions;
  events: string[];
  createdAt: string;
}

export interface InstallationToken {
  token: string;
  installation: Installation;
  expiresAt: Date;
  permissions: Permissions;
  /** A token narrowed to some repositories at creation; undefined = all of the installation's. */
  repositories?: Set<string>;
}

export type Actor =
  | { kind: 'app' }
  | { kind: 'installation'; token: InstallationToken }
  | { kind: 'user'; user: User }
  | { kind: 'anonymous' };

/** What Ladder's App asks for in app.yml; tests can install with less to see 403s. */
export const DEFAULT_PERMISSIONS: Permissions = {
  contents: 'write',
  members: 'read',
  pull_requests: 'write',
  issues: 'write',
  checks: 'write',
  statuses: 'write',
  deployments: 'write',
  metadata: 'read',
  packages: 'read',
  actions: 'read',
};

export interface AppIdentity {
  id: number;
  clientId: string;
  publicKey: KeyObject;
}

/** Installations and the tokens issued for them, plus personal tokens for test users. */
export class TokenStore {
  readonly installations = new Map<number, Installation>();
  private readonly installationTokens = new Map<string, InstallationToken>();
  private readonly userTokens = new Map<string, User>();

  constructor(
    private readonly app: AppIdentity,
    private readonly now: () => Date,
  ) {}

  installationFor(repo: RepoState): Installation | undefined {
    for (const installation of this.installations.values()) {
      if (installation.account.id !== repo.owner.id) continue;
      if (installation.repositorySelection === 'all' || installation.repositories.has(repo.fullName.toLowerCase())) {
        return installation;
      }
    }
    return undefined;
  }

  issueInstallationToken(installation: Installation, narrow: { repositories?: Set<string>; permissions?: Permissions }) {
    const record: InstallationToken = {
      token: `ghs_${randomBytes(18).toString('hex')}`,
      installation,
      expiresAt: new Date(this.now().getTime() + 60 * 60 * 1000),
      permissions: narrow.permissions ?? { ...installation.permissions },
    };
    if (narrow.repositories) record.repositories = narrow.repositories;
    this.installationTokens.set(record.token, record);
    return record;
  }

  issueUserToken(user: User): string {
    const token = `ghp_${randomBytes(18).toString('hex')}`;
    this.userTokens.set(token, user);
    return token;
  }

  /** Who is calling, from the Authorization header; throws GitHub's 401 for anything unusable. */
  authenticate(header: string | undefined): Actor {
    if (!header) return { kind: 'anonymous' };
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header.trim());
    if (!match?.[1]) throw unauthorized();
    const credential = match[1];
    if (credential.startsWith('eyJ')) {
      const check = verifyAppJwt(credential, this.app.publicKey, Math.floor(this.now().getTime() / 1000));
      if (!check.ok) throw new ApiError(401, check.message);
      if (check.iss !== String(this.app.id) && check.iss !== this.app.clientId) {
        throw new ApiError(401, 'Integration not found');
      }
      return { kind: 'app' };
    }
    const installationToken = this.installationTokens.get(credential);
    if (installationToken) {
      if (installationToken.expiresAt.getTime() <= this.now().getTime()) throw unauthorized();
      if (!this.installations.has(installationToken.installation.id)) throw unauthorized();
      return { kind: 'installation', token: installationToken };
    }
    const user = this.userTokens.get(credential);
    if (user) return { kind: 'user', user };
    throw unauthorized();
  }
}

const rank: Record<Permission, number> = { none: 0, read: 1, write: 2, admin: 3 };

/**
 * Checks that the actor may touch the repository at all (GitHub hides what you
 * cannot see behind 404) and has the route's permission (403 otherwise).
 */
export function authorizeRepo(
  actor: Actor,
  repo: RepoState,
  installation: Installation | undefined,
  need: { scope: string; level: AccessLevel; userLevel?: AccessLevel },
): void {
  if (actor.kind === 'installation') {
    const { token } = actor;
    const key = repo.fullName.toLowerCase();
    if (installation?.id !== token.installation.id) throw notFound();
    if (token.repositories && !token.repositories.has(key)) throw notFound();
    const granted = token.permissions[need.scope];
    if (!granted || (need.level === 'write' && granted !== 'write')) throw forbidden();
    return;
  }
  if (actor.kind === 'user') {
    const level = repo.permissions.get(actor.user.login.toLowerCase()) ?? 'none';
    if (rank[level] < rank.read && repo.private) throw notFound();
    if ((need.userLevel ?? need.level) === 'write' && rank[level] < rank.write) {
      throw new ApiError(403, 'Must have push access to repository');
    }
    return;
  }
  if (actor.kind === 'app') throw forbidden('A JSON web token cannot be used to access this resource');
  // Ladder always authenticates; an anonymous call is a bug in the caller, so
  // it fails loudly instead of getting public-repository answers.
  throw new ApiError(401, 'Requires authentication');
}

/**
 * An organization route: an installation token must belong to an
 * installation on that organization (another's is a 404, as GitHub hides it)
 * and hold the permission (403 otherwise). People see their organizations'
 * teams; the server does not model organization membership, so users pass.
 */
export function authorizeOrg(actor: Actor, org: string, need: { scope: string; level: AccessLevel }): void {
  if (actor.kind === 'anonymous') throw new ApiError(401, 'Requires authentication');
  if (actor.kind === 'app') throw forbidden('A JSON web token cannot be used to access this resource');
  if (actor.kind === 'user') return;
  const { token } = actor;
  if (token.installation.account.login.toLowerCase() !== org.toLowerCase()) throw notFound();
  const granted = token.permissions[need.scope];
  if (!granted || (need.level === 'write' && granted !== 'write')) throw forbidden();
}
