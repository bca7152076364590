import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../apps.js';
import { ApiError, forbidden, notFound, unauthorized } from '../http.js';
import { atLeast, type Role } from '../roles.js';
import type { RepoState, User } from '../state.js';
import { jwtIssuer, verifyAppJwt } from './jwt.js';

export type AccessLevel = 'read' | 'write';
export type Permissions = Record<string, AccessLevel>;

export interface Installation {
  id: number;
  /** The App installed. */
  appId: number;
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
  | { kind: 'app'; app: AppConfig }
  | { kind: 'installation'; token: InstallationToken }
  | { kind: 'user'; user: User }
  | { kind: 'anonymous' };

/** Installations and the tokens issued for them, plus personal tokens for test users. */
export class TokenStore {
  readonly installations = new Map<number, Installation>();
  private readonly installationTokens = new Map<string, InstallationToken>();
  private readonly userTokens = new Map<string, User>();

  constructor(
    private readonly apps: Map<number, AppConfig>,
    private readonly now: () => Date,
  ) {}

  /** The installation of App `appId` that covers the repository, if any. */
  installationFor(repo: RepoState, appId: number): Installation | undefined {
    for (const installation of this.installations.values()) {
      if (installation.appId !== appId || installation.account.id !== repo.owner.id) continue;
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
      // The issuer (App id or client id) says whose key the signature must verify with.
      const issuer = jwtIssuer(credential);
      if (issuer === undefined) throw new ApiError(401, 'A JSON web token could not be decoded');
      if (issuer === '') throw new ApiError(401, "'Issuer' claim ('iss') must be an Integer");
      const app = [...this.apps.values()].find((a) => issuer === String(a.id) || issuer === a.clientId);
      if (!app) throw new ApiError(401, 'Integration not found');
      const check = verifyAppJwt(credential, app.publicKey, Math.floor(this.now().getTime() / 1000));
      if (!check.ok) throw new ApiError(401, check.message);
      return { kind: 'app', app };
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

/**
 * Checks that the actor may touch the repository at all (GitHub hides what you
 * cannot see behind 404) and has the route's permission (403 otherwise). A
 * person needs the route's role (`userLevel`, else `level`): read, triage, write, maintain or admin.
 */
export function authorizeRepo(
  actor: Actor,
  repo: RepoState,
  installation: Installation | undefined,
  need: { scope: string; level: AccessLevel; userLevel?: Role },
  roleOf: (user: User) => Role,
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
    const role = roleOf(actor.user);
    if (!atLeast(role, 'read') && repo.private) throw notFound();
    const needed = need.userLevel ?? need.level;
    if (!atLeast(role, needed)) {
      throw new ApiError(403, atLeast(needed, 'write') ? 'Must have push access to repository' : 'Must have triage access to repository');
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
