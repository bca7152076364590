import { randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { AccessLevel, Installation, Permissions } from './auth/tokens.js';
import type { Bed } from './bed.js';
import type { State, User } from './state.js';

/** A GitHub App registered on the server: what `GET /app` describes and a JWT or webhook secret proves. */
export interface AppConfig {
  id: number;
  slug: string;
  name: string;
  description: string;
  clientId: string;
  clientSecret: string;
  /** PEM, as GitHub hands it out. */
  privateKey: string;
  publicKey: KeyObject;
  webhookSecret: string;
  /** Where its webhooks go (the App's "Webhook URL"); unset = events are only recorded. */
  webhookUrl: string | undefined;
  owner: User;
  /** `<slug>[bot]`, the account installation tokens act as. */
  bot: User;
  /** The events it subscribes to; deliveries of others are not made. */
  events: string[];
  /** What it asks installations for. */
  permissions: Permissions;
  externalUrl: string;
  createdAt: string;
  /** Where GitHub sends people after installing it (manifest `setup_url`). */
  setupUrl?: string;
}

/**
 * Ladder's own registration, read from the repository's app.yml, so the App
 * the tests run against subscribes to exactly the events and asks exactly
 * the permissions a real installation would.
 */
export function ladderAppManifest(): { events: string[]; permissions: Permissions } {
  const manifest = parse(readFileSync(new URL('../../../app.yml', import.meta.url), 'utf8')) as {
    default_events?: string[];
    default_permissions?: Record<string, string>;
  };
  const permissions: Permissions = {};
  for (const [scope, level] of Object.entries(manifest.default_permissions ?? {})) permissions[scope] = level as AccessLevel;
  return { events: manifest.default_events ?? [], permissions };
}

export interface NewApp {
  id: number;
  slug: string;
  name?: string;
  description?: string;
  owner: User;
  keys: { privateKey: string; publicKey: KeyObject };
  webhookSecret?: string;
  webhookUrl?: string;
  events: string[];
  permissions: Permissions;
  externalUrl: string;
  createdAt: string;
  /** Where GitHub sends people after installing it (manifest `setup_url`). */
  setupUrl?: string;
}

/** Registers an App (and its bot account) in `apps`. */
export function registerApp(state: State, apps: Map<number, AppConfig>, spec: NewApp): AppConfig {
  const app: AppConfig = {
    id: spec.id,
    slug: spec.slug,
    name: spec.name ?? spec.slug.charAt(0).toUpperCase() + spec.slug.slice(1),
    description: spec.description ?? '',
    clientId: `Iv23${randomBytes(8).toString('hex')}`,
    clientSecret: randomBytes(20).toString('hex'),
    privateKey: spec.keys.privateKey,
    publicKey: spec.keys.publicKey,
    webhookSecret: spec.webhookSecret ?? randomBytes(16).toString('hex'),
    webhookUrl: spec.webhookUrl,
    owner: spec.owner,
    bot: state.user(`${spec.slug}[bot]`, 'Bot'),
    events: [...spec.events],
    permissions: { ...spec.permissions },
    externalUrl: spec.externalUrl,
    createdAt: spec.createdAt,
    ...(spec.setupUrl ? { setupUrl: spec.setupUrl } : {}),
  };
  apps.set(app.id, app);
  return app;
}

/** The App a bot account acts for, or undefined for people and organizations. */
export function appOfBot(apps: Map<number, AppConfig>, user: User): AppConfig | undefined {
  if (user.type !== 'Bot') return undefined;
  for (const app of apps.values()) if (app.bot.id === user.id) return app;
  return undefined;
}

export interface InstallOptions {
  repositories?: string[];
  /** Default: what the App asks for. */
  permissions?: Permissions;
  /** Default: the server's first App. */
  appId?: number;
}

/** Installs an App (the first unless `appId`) on an account: all its repositories, or `repositories` (`owner/name`). */
export function installApp(bed: Pick<Bed, 'app' | 'apps' | 'state' | 'tokens' | 'now'>, owner: string, options: InstallOptions = {}): number {
  const app = options.appId === undefined ? bed.app : bed.apps.get(options.appId);
  if (!app) throw new Error(`no App ${options.appId} on the test server`);
  const installation: Installation = {
    id: bed.state.nextId(),
    appId: app.id,
    account: bed.state.user(owner),
    repositorySelection: options.repositories ? 'selected' : 'all',
    repositories: new Set((options.repositories ?? []).map((r) => r.toLowerCase())),
    permissions: options.permissions ?? { ...app.permissions },
    events: [...app.events],
    createdAt: bed.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  bed.tokens.installations.set(installation.id, installation);
  return installation.id;
}
