import { randomBytes } from 'node:crypto';
import type { Bed } from './bed.js';
import { installApp } from './apps.js';
import type { User } from './state.js';

/**
 * The few github.com pages an App's setup goes through, answered as a user
 * who confirms at once would see them: the App-manifest flow (a form posts
 * `manifest` to `/settings/apps/new`; GitHub creates the App and redirects to
 * the manifest's `redirect_url` with a one-hour, single-use `code` that `POST
 * /app-manifests/{code}/conversions` exchanges for the App's credentials),
 * and an App's installation page.
 */

export interface ManifestCode {
  manifest: AppManifest;
  owner: User;
  issuedAt: number;
}

/** The manifest parameters GitHub documents (the ones the bed uses). */
export interface AppManifest {
  name?: string;
  url: string;
  description?: string;
  hook_attributes?: { url?: string; active?: boolean };
  redirect_url?: string;
  setup_url?: string;
  public?: boolean;
  default_events?: string[];
  default_permissions?: Record<string, string>;
}

export interface WebReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

const page = (status: number, text: string, headers: Record<string, string> = {}): WebReply => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', ...headers },
  body: `<!doctype html><title>GitHub (test bed)</title><p>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>\n`,
});

/**
 * Answers a github.com page, or undefined when `path` is not one (the REST
 * API handles it then). `signedInAs` is the browser's user.
 */
export function handleWeb(bed: Bed, method: string, url: URL, body: Buffer, signedInAs: string): WebReply | undefined {
  const newApp = /^(?:\/organizations\/([^/]+))?\/settings\/apps\/new$/.exec(url.pathname);
  if (newApp && method === 'POST') return createFromManifest(bed, newApp[1], url, body, signedInAs);
  const install = /^\/apps\/([^/]+)\/installations\/new$/.exec(url.pathname);
  if (install) return installPage(bed, decodeURIComponent(install[1] ?? ''), method, body, signedInAs);
  return undefined;
}

function createFromManifest(bed: Bed, org: string | undefined, url: URL, body: Buffer, signedInAs: string): WebReply {
  const form = new URLSearchParams(body.toString('utf8'));
  let manifest: AppManifest;
  try {
    manifest = JSON.parse(form.get('manifest') ?? '') as AppManifest;
  } catch {
    return page(422, 'The manifest is not valid JSON.');
  }
  if (!manifest || typeof manifest.url !== 'string') return page(422, 'The manifest needs a url (the App\'s homepage).');
  const name = manifest.name ?? `${signedInAs}-app`;
  if ([...bed.apps.values()].some((app) => app.slug === slugOf(name))) return page(422, `Name "${name}" is already taken.`);
  const owner = org ? bed.state.user(org, 'Organization') : bed.state.user(signedInAs);
  const code = randomBytes(20).toString('hex');
  bed.state.manifestCodes.set(code, { manifest: { ...manifest, name }, owner, issuedAt: bed.now().getTime() });
  if (!manifest.redirect_url) return page(200, `App created. Code: ${code}`);
  const target = new URL(manifest.redirect_url);
  target.searchParams.set('code', code);
  const state = url.searchParams.get('state');
  if (state) target.searchParams.set('state', state);
  return page(302, `Redirecting to ${target.toString()}`, { location: target.toString() });
}

/** GET shows what would be installed; POST (`account`, optional `repositories`) installs and goes to the App's setup URL. */
function installPage(bed: Bed, slug: string, method: string, body: Buffer, signedInAs: string): WebReply {
  const app = [...bed.apps.values()].find((a) => a.slug === slug);
  if (!app) return page(404, 'Not Found');
  if (method === 'GET') return page(200, `Install ${app.name} on ${signedInAs} or one of its organizations: POST account=<login>[&repositories=a,b].`);
  if (method !== 'POST') return page(405, 'Method Not Allowed');
  const form = new URLSearchParams(body.toString('utf8'));
  const account = form.get('account') || signedInAs;
  const repositories = form.get('repositories')?.split(',').map((r) => r.trim()).filter(Boolean);
  const id = installApp(bed, account, { appId: app.id, ...(repositories?.length ? { repositories: repositories.map((r) => (r.includes('/') ? r : `${account}/${r}`)) } : {}) });
  const setup = app.setupUrl;
  if (!setup) return page(200, `Installed ${app.name} on ${account} (installation ${id}).`);
  const target = new URL(setup);
  target.searchParams.set('installation_id', String(id));
  target.searchParams.set('setup_action', 'install');
  return page(302, `Redirecting to ${target.toString()}`, { location: target.toString() });
}
