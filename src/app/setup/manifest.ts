import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The parts of a GitHub App manifest Ladder sends (https://docs.github.com/apps/sharing-github-apps/registering-a-github-app-from-a-manifest). */
export interface AppManifest {
  name: string;
  url: string;
  description?: string;
  public: boolean;
  hook_attributes: { url: string; active: boolean };
  redirect_url: string;
  default_events: string[];
  default_permissions: Record<string, string>;
}

/** app.yml as shipped: what Ladder asks for, without anything a registration decides. */
export interface AppDefinition {
  name: string;
  url: string;
  description?: string;
  default_events: string[];
  default_permissions: Record<string, string>;
}

const appYml = new URL('../../../app.yml', import.meta.url);

/** Reads app.yml from Ladder's own package (src/ and dist/ are both three levels below it). */
export function readAppDefinition(file: URL | string = appYml): AppDefinition {
  const value = parse(readFileSync(file, 'utf8')) as Partial<AppDefinition> & Record<string, unknown>;
  if (typeof value?.name !== 'string' || typeof value.url !== 'string' || !Array.isArray(value.default_events) || typeof value.default_permissions !== 'object') {
    throw new Error(`${String(file)}: not an App manifest with name, url, default_events and default_permissions`);
  }
  if ('hook_attributes' in value) throw new Error(`${String(file)}: hook_attributes must not be set here: the setup page sets the webhook URL of each registration`);
  return {
    name: value.name,
    url: value.url,
    ...(typeof value.description === 'string' ? { description: value.description } : {}),
    default_events: value.default_events.map(String),
    default_permissions: Object.fromEntries(Object.entries(value.default_permissions as Record<string, unknown>).map(([k, v]) => [k, String(v)])),
  };
}

/** The manifest of one registration: app.yml plus the name, the webhook URL and where GitHub sends the browser back to. */
export function buildManifest(app: AppDefinition, choice: { name: string; webhookUrl: string; baseUrl: string }): AppManifest {
  return {
    name: choice.name,
    url: app.url,
    ...(app.description ? { description: app.description } : {}),
    // Private: only the account that registers it can install it (why the setup page asks for the organization).
    public: false,
    hook_attributes: { url: choice.webhookUrl, active: true },
    redirect_url: `${choice.baseUrl}/probot/setup`,
    default_events: app.default_events,
    default_permissions: app.default_permissions,
  };
}

/** What GitHub accepts as an App name: 1 to 34 characters. */
export function appNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'the App needs a name';
  if (name.length > 34) return `"${name}" is longer than the 34 characters GitHub allows for an App name`;
  return undefined;
}

/** A GitHub account name: letters, digits and single hyphens inside, at most 39 characters. */
export function loginProblem(login: string): string | undefined {
  return /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/.test(login) ? undefined : `"${login}" is not a GitHub organization name (letters, digits and single hyphens, at most 39)`;
}
