import { execFileSync } from 'node:child_process';
import { installationOctokit } from '../bed/github/index.js';
import type { AppHarness } from './app-harness.js';

/** Helpers for the App's promotion tests (test/integration/app-promotion-*.test.ts). */

export interface ConfigOptions {
  service?: string;
  manifestRepo?: string;
  templates?: string;
  path?: string;
  /** Extra lines under the dev environment, indented already (reviewers, labels). */
  devExtra?: string[];
  /** `values.default` entries as YAML lines (indented by four). */
  values?: string[];
  /** Add stg fed by the `release` branch. */
  stgBranch?: boolean;
}

/** A config with `dev` fed by `main` and no auto-merge, so PRs stay open for the test to look at. */
export function promotionConfig(options: ConfigOptions = {}): string {
  const service = options.service ?? 'checkout';
  return [
    `service: ${service}`,
    `image: registry.example.com/shop/${service}`,
    'manifests:',
    `  repo: ${options.manifestRepo ?? `shop/${service}-manifests`}`,
    ...(options.templates ? [`  templates: ${options.templates}`] : []),
    ...(options.path ? [`  path: ${options.path}`] : []),
    'environments:',
    '  - name: dev',
    '    from: { branch: main }',
    `    namespace: ${service}-dev`,
    ...(options.devExtra ?? []),
    ...(options.stgBranch ? ['  - name: stg', '    from: { branch: release }', `    namespace: ${service}-stg`] : []),
    ...(options.values ? ['values:', '  default:', ...options.values] : []),
    '',
  ].join('\n');
}

/**
 * A template emitting one ConfigMap per entry of `values.maps`, labelled
 * without the version, so renders of different commits are equal (and each
 * ConfigMap gets a `missing-required-labels` warning).
 */
export const configMapsTemplate = mapsTemplate('selectorLabels');

/** The same with every required label (no warnings); `tag` makes the template's blob unique. */
export function fullyLabelledMapsTemplate(tag: string): string {
  return `{{!-- ${tag} --}}\n${mapsTemplate('labels')}`;
}

function mapsTemplate(labels: 'labels' | 'selectorLabels'): string {
  return [
    '{{#each values.maps}}',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{str this}}',
    `  labels: {{toYaml @root.${labels}}}`,
    'data:',
    '  NAME: {{str this}}',
    '{{/each}}',
    '',
  ].join('\n');
}

export function mapsValue(count: number, prefix = 'map'): string[] {
  return [`    maps: [${Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`).join(', ')}]`];
}

export function split(fullName: string): { owner: string; repo: string } {
  const [owner, repo] = fullName.split('/') as [string, string];
  return { owner, repo };
}

export async function pullsOf(h: Pick<AppHarness, 'github'>, manifestRepo: string, state: 'open' | 'all' = 'open') {
  const octokit = installationOctokit(h.github, manifestRepo);
  return (await octokit.rest.pulls.list({ ...split(manifestRepo), state, per_page: 100 })).data;
}

export async function checkRunsOf(h: Pick<AppHarness, 'github'>, repo: string, sha: string) {
  const octokit = installationOctokit(h.github, repo);
  // Every run, not only the latest per name, so a failed first attempt shows.
  return (await octokit.rest.checks.listForRef({ ...split(repo), ref: sha, filter: 'all', per_page: 100 })).data.check_runs;
}

export async function annotationsOf(h: AppHarness, repo: string, checkRunId: number) {
  const octokit = installationOctokit(h.github, repo);
  return octokit.paginate(octokit.rest.checks.listAnnotations, { ...split(repo), check_run_id: checkRunId, per_page: 100 });
}

/** Branch → commit, read from the bare repository with git itself, not through the API. */
export function branchesOf(h: AppHarness, repo: string): Map<string, string> {
  const out = execFileSync('git', ['ls-remote', '--heads', h.github.repoPath(repo)], { encoding: 'utf8' });
  const heads = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [sha, ref] = line.split('\t') as [string, string];
    heads.set(ref.replace(/^refs\/heads\//, ''), sha);
  }
  return heads;
}

/** Files of a branch's tree, path → text, read with git. */
export function filesAt(h: AppHarness, repo: string, ref: string): Map<string, string> {
  const path = h.github.repoPath(repo);
  const names = execFileSync('git', ['--git-dir', path, 'ls-tree', '-r', '--name-only', ref], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return new Map(names.map((name) => [name, execFileSync('git', ['--git-dir', path, 'show', `${ref}:${name}`], { encoding: 'utf8' })]));
}

export function commitMessage(h: AppHarness, repo: string, ref: string): string {
  return execFileSync('git', ['--git-dir', h.github.repoPath(repo), 'log', '-1', '--format=%B', ref], { encoding: 'utf8' });
}

export function parentsOf(h: AppHarness, repo: string, ref: string): string[] {
  return execFileSync('git', ['--git-dir', h.github.repoPath(repo), 'log', '-1', '--format=%P', ref], { encoding: 'utf8' }).trim().split(' ').filter(Boolean);
}

/** Merges a promotion PR like a reviewer would. */
export async function mergePull(h: AppHarness, manifestRepo: string, number: number): Promise<string> {
  const octokit = installationOctokit(h.github, manifestRepo);
  return (await octokit.rest.pulls.merge({ ...split(manifestRepo), pull_number: number })).data.sha;
}
