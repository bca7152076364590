import { stringify } from 'yaml';
import { checkConfig, parseConfig } from '../../src/core/config/load.js';
import { grantFor } from '../../src/core/services/snippet.js';
import { userOctokit, type GitHubServer } from '../bed/github/index.js';
import type { SeedFile } from '../bed/github/seed.js';

// A service on the GitHub test bed, as the App's tests set it up: a code
// repository with `.github/ladder.yml`, a manifest repository with dev, stg
// and prd, and pull requests merged by a developer. Used by the in-process
// harness (app-harness.ts) and by the tests that run the App as a process or
// a container.

export interface CreateServiceOptions {
  service?: string;
  /** `.github/ladder.yml` text; a dev ← main, stg ← dev, prd ← stg config when absent. */
  config?: string;
  /** Template files committed under `deploy/templates/` (path relative to it); the default config then points there. */
  templates?: Record<string, string>;
  codeRepo?: string;
  manifestRepo?: string;
  /**
   * `.ladder/services.yml` committed to the manifest repository's default
   * branch: the text given, none with `null`, and when absent one that grants
   * the config exactly what it asks (what `grantSnippet` suggests).
   */
  services?: string | null;
}

export const developer = 'dev';

/**
 * A `.ladder/services.yml` that grants each code repository's config exactly
 * what it asks (cluster-scoped kinds need their names written by the test).
 * A config that does not load gets the default config's grant, so tests of
 * broken configs still meet the config's own problems first.
 */
export function grantingServicesFile(...entries: [codeRepo: string, config: string][]): string {
  const services: Record<string, unknown> = {};
  for (const [codeRepo, text] of entries) {
    const checked = checkConfig(text);
    const config = checked.ok ? checked.config : parseConfig(defaultServiceConfig(codeRepo.split('/')[1]!, 'unused/unused'), 'default');
    const { name, grant } = grantFor(config, codeRepo);
    services[name] = { ...grant, path: config.manifests.path ?? '' };
  }
  return stringify({ services });
}

/** The config createService commits when none is given. */
export function defaultServiceConfig(service: string, manifestRepo: string, templates?: string): string {
  return [
    `service: ${service}`,
    `image: registry.example.com/shop/${service}`,
    'manifests:',
    `  repo: ${manifestRepo}`,
    ...(templates ? [`  templates: ${templates}`] : []),
    ...environmentLines(service),
    '',
  ].join('\n');
}

/** The config lines of the usual chain: dev from main (merging itself), stg from dev, prd from stg, each in its namespace. */
export function environmentLines(service: string): string[] {
  return [
    'environments:',
    '  - name: dev',
    '    from: { branch: main }',
    `    namespace: ${service}-dev`,
    '    autoMerge: true',
    '  - name: stg',
    '    from: { environment: dev }',
    `    namespace: ${service}-stg`,
    '  - name: prd',
    '    from: { environment: stg }',
    `    namespace: ${service}`,
  ];
}

export async function createService(github: GitHubServer, options: CreateServiceOptions = {}): Promise<{ codeRepo: string; manifestRepo: string }> {
  const service = options.service ?? 'checkout';
  const codeRepo = options.codeRepo ?? `shop/${service}`;
  const manifestRepo = options.manifestRepo ?? `shop/${service}-manifests`;
  await github.createRepo(codeRepo);
  await github.createRepo(manifestRepo);
  github.setPermission(codeRepo, developer, 'write');
  github.setPermission(manifestRepo, developer, 'write');
  for (const branch of ['dev', 'stg', 'prd']) await github.seed.setBranch(manifestRepo, branch, 'main');
  const templateDir = options.templates ? 'deploy/templates' : undefined;
  const files: Record<string, string> = {
    '.github/ladder.yml': options.config ?? defaultServiceConfig(service, manifestRepo, templateDir),
  };
  for (const [path, content] of Object.entries(options.templates ?? {})) files[`deploy/templates/${path}`] = content;
  await github.seed.commitFiles(codeRepo, 'main', files, { message: 'Add Ladder config', silent: true });
  // After the environment branches: they hold rendered manifests only, never the grants.
  const services = options.services === undefined ? grantingServicesFile([codeRepo, files['.github/ladder.yml']!]) : options.services;
  if (services !== null) await github.seed.commitFiles(manifestRepo, 'main', { '.ladder/services.yml': services }, { message: 'Grant Ladder services', silent: true });
  return { codeRepo, manifestRepo };
}

/** Commits `files` on a topic branch, opens a pull request into main and merges it: GitHub then sends the merge's webhooks. */
export async function mergePullRequest(
  github: GitHubServer,
  codeRepo: string,
  pr: { branch: string; title: string; files: Record<string, SeedFile>; by?: string },
): Promise<{ number: number; mergeSha: string }> {
  const [owner, repo] = codeRepo.split('/') as [string, string];
  await github.seed.commitFiles(codeRepo, pr.branch, pr.files, { message: pr.title, from: 'main', silent: true });
  const client = userOctokit(github, pr.by ?? developer);
  const created = await client.rest.pulls.create({ owner, repo, head: pr.branch, base: 'main', title: pr.title });
  const merged = await client.rest.pulls.merge({ owner, repo, pull_number: created.data.number });
  return { number: created.data.number, mergeSha: merged.data.sha };
}
