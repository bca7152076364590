import type { IncomingHttpHeaders } from 'node:http';
import type { AppConfig } from './apps.js';
import type { AccessLevel, Actor, TokenStore } from './auth/tokens.js';
import type { Role } from './roles.js';
import type { GitStore } from './git/store.js';
import type { WebFlowKey } from './git/signing.js';
import type { Delivery } from './webhooks/deliver.js';
import type { RepoState, State, User } from './state.js';

export type { AppConfig } from './apps.js';
import type { Urls } from './shapes/urls.js';

/** A webhook the server raises on its own because state changed (a merge, a push, a new comment). */
export interface PendingEvent {
  event: string;
  payload: Record<string, unknown>;
  /** Only this App hears it (a check run's or suite's `rerequested`, `requested`: its owner's business). */
  onlyApp?: number;
}

/** Everything a handler may use. One per server; handlers keep no state of their own. */
export interface Bed {
  readonly urls: Urls;
  readonly now: () => Date;
  readonly git: GitStore;
  readonly state: State;
  /** The App the server starts with (Ladder's, registered as app.yml describes it). */
  readonly app: AppConfig;
  /** Every registered App by id, the first one included (more come from the manifest flow). */
  readonly apps: Map<number, AppConfig>;
  readonly tokens: TokenStore;
  /** Every webhook delivery made, and redelivery (the Apps' delivery logs). */
  readonly hooks: { readonly deliveries: readonly Delivery[]; redeliver(deliveryId: string): Promise<unknown> };
  /** GitHub's signing key for the commits it makes itself (merges, contents API, App commits). */
  readonly webFlow: WebFlowKey;
  /** A recursive tree answer of more entries or bytes than this is cut short with `truncated: true`, as GitHub does. */
  readonly treeLimits: { readonly maxEntries: number; readonly maxBytes: number };
  /** Queues a webhook; the server delivers it after the response that caused it, like GitHub. */
  emit(event: PendingEvent): void;
}

export interface RequestContext {
  readonly bed: Bed;
  readonly method: string;
  readonly route: string;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
  readonly actor: Actor;
  /** The repository of a `/repos/{owner}/{repo}/…` route, already authorised. */
  readonly repo: RepoState;
  /** The account the call acts as: the App's bot user for installation tokens. */
  readonly sender: User;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw bytes instead of JSON (contents with `Accept: application/vnd.github.raw`). */
  raw?: Buffer;
}

export type Access =
  /** No credentials needed (the App-manifest code exchange: the code is the credential). */
  | { anonymous: true }
  /** App JWT only (`/app/…`). */
  | { app: true }
  /** Any installation or user token, no repository (`/installation/repositories`). */
  | { token: true }
  /** An organization route (`/orgs/{org}/…`): an installation on that organization with the permission, or a user. */
  | { org: true; scope: string; level: AccessLevel }
  /** A repository route: the installation permission or user role needed. */
  | { scope: string; level: AccessLevel; userLevel?: Role };

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  route: string;
  access: Access;
  handle(ctx: RequestContext): Promise<Reply> | Reply;
}

/** The App an installation token acts for; undefined for people (and App JWTs, which touch no repository). */
export function actingApp(ctx: Pick<RequestContext, 'bed' | 'actor'>): AppConfig | undefined {
  return ctx.actor.kind === 'installation' ? ctx.bed.apps.get(ctx.actor.token.installation.appId) : undefined;
}

export function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function nowIso(bed: Bed): string {
  return iso(bed.now());
}
