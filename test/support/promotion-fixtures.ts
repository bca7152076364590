import { execFileSync } from 'node:child_process';
import { formatTrailers } from '../../src/core/promotion/trailers.js';
import { installationOctokit, userOctokit, type GitHubServer } from '../bed/github/index.js';

/** Splits `owner/name` for Octokit calls. */
export function repoParams(fullName: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = fullName.split('/');
  return { owner, repo };
}

export async function branchSha(github: GitHubServer, fullName: string, branch: string): Promise<string> {
  const { data } = await installationOctokit(github, fullName).rest.repos.getBranch({ ...repoParams(fullName), branch });
  return data.commit.sha;
}

/**
 * The agent's side of the Deployments contract (docs/agent.md): after
 * applying manifest commit `sha` of `environment`, a deployment on that
 * commit, then `in_progress` and the outcome.
 */
export async function reportDeployment(
  github: GitHubServer,
  manifestRepo: string,
  input: { environment: string; sha: string; state: 'success' | 'failure'; description?: string; path?: string },
): Promise<number> {
  const agent = installationOctokit(github, manifestRepo);
  const params = repoParams(manifestRepo);
  const { data } = await agent.rest.repos.createDeployment({
    ...params,
    ref: input.sha,
    environment: input.environment,
    task: 'deploy',
    auto_merge: false,
    required_contexts: [],
    description: `Ladder agent: ${input.sha.slice(0, 12)}`,
    production_environment: input.environment === 'prd',
    payload: { ladder: { commit: input.sha, path: input.path ?? '' } },
  });
  const id = (data as { id: number }).id;
  await agent.rest.repos.createDeploymentStatus({ ...params, deployment_id: id, state: 'in_progress', description: 'Applying' });
  await agent.rest.repos.createDeploymentStatus({
    ...params,
    deployment_id: id,
    state: input.state,
    description: input.description ?? (input.state === 'success' ? 'Applied and healthy' : 'Rollout failed'),
    auto_inactive: true,
  });
  return id;
}

/**
 * A promotion pull request as the promotion engine leaves it, made by hand
 * so gate tests do not depend on rendering: a commit with Ladder's trailers
 * on `ladder/<service>/<environment>`, an optional `ladder/validate` check
 * run on it, and the pull request against the environment branch.
 */
export async function openHandMadePromotion(
  github: GitHubServer,
  input: {
    codeRepo: string;
    manifestRepo: string;
    service: string;
    environment: string;
    image: string;
    validate?: 'success' | 'failure' | 'none';
    files?: Record<string, string>;
    /** A rollback PR (branch `…-rollback`, `Ladder-Kind: rollback`). */
    rollback?: boolean;
  },
): Promise<{ number: number; headSha: string; sourceSha: string }> {
  const sourceSha = await branchSha(github, input.codeRepo, 'main');
  const message = [
    `Promote ${input.service} to ${input.environment}`,
    '',
    formatTrailers({
      service: input.service,
      environment: input.environment,
      sourceRepo: input.codeRepo,
      sourceSha,
      image: input.image,
      ...(input.rollback ? { kind: 'rollback' as const } : {}),
    }),
  ].join('\n');
  const branch = `ladder/${input.service}/${input.environment}${input.rollback ? '-rollback' : ''}`;
  const headSha = await github.seed.commitFiles(
    input.manifestRepo,
    branch,
    input.files ?? { [`${input.service}/deployment.yaml`]: `image: ${input.image}\n` },
    { message, from: input.environment, silent: true },
  );
  const params = repoParams(input.manifestRepo);
  const validate = input.validate ?? 'success';
  if (validate !== 'none') {
    await installationOctokit(github, input.manifestRepo).rest.checks.create({
      ...params,
      name: 'ladder/validate',
      head_sha: headSha,
      status: 'completed',
      conclusion: validate,
      output: { title: 'Valid', summary: 'Hand-made for a test' },
    });
  }
  const { data } = await installationOctokit(github, input.manifestRepo).rest.pulls.create({
    ...params,
    head: branch,
    base: input.environment,
    title: `Promote ${input.service} to ${input.environment}`,
    body: 'Hand-made promotion for a gate test',
  });
  return { number: data.number, headSha, sourceSha };
}

/** The latest state and description per status context on a commit. */
export async function statusesOn(github: GitHubServer, fullName: string, sha: string): Promise<Record<string, string>> {
  const { data } = await installationOctokit(github, fullName).rest.repos.getCombinedStatusForRef({ ...repoParams(fullName), ref: sha });
  return Object.fromEntries(data.statuses.map((status) => [status.context, `${status.state}: ${status.description}`]));
}

export async function pullState(github: GitHubServer, fullName: string, number: number): Promise<{ state: string; merged: boolean; headSha: string; mergeSha: string | null }> {
  const { data } = await installationOctokit(github, fullName).rest.pulls.get({ ...repoParams(fullName), pull_number: number });
  return { state: data.state, merged: data.merged, headSha: data.head.sha, mergeSha: data.merge_commit_sha };
}

/** A person merging through the API: the status and message GitHub answers. */
export async function tryMergeAs(github: GitHubServer, login: string, fullName: string, number: number): Promise<{ status: number; message: string }> {
  try {
    const { status, data } = await userOctokit(github, login).rest.pulls.merge({ ...repoParams(fullName), pull_number: number });
    return { status, message: data.message };
  } catch (error) {
    return { status: (error as { status: number }).status, message: (error as Error).message };
  }
}

/** Open (or all) pull requests into `base`, newest first. */
export async function pullsInto(github: GitHubServer, fullName: string, base: string, state: 'open' | 'closed' | 'all' = 'open') {
  const { data } = await installationOctokit(github, fullName).rest.pulls.list({ ...repoParams(fullName), base, state, per_page: 100 });
  return data;
}

/** The message of a commit, read with git from the bare repository (not through the API under test). */
export function commitMessageOf(github: GitHubServer, fullName: string, ref: string): string {
  return execFileSync('git', ['--git-dir', github.repoPath(fullName), 'log', '-1', '--format=%B', ref], { encoding: 'utf8' });
}

/** A file at a ref, read with git; undefined when absent. */
export function fileAt(github: GitHubServer, fullName: string, ref: string, path: string): string | undefined {
  try {
    return execFileSync('git', ['--git-dir', github.repoPath(fullName), 'show', `${ref}:${path}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

export function branchesOf(github: GitHubServer, fullName: string): string[] {
  const out = execFileSync('git', ['ls-remote', '--heads', github.repoPath(fullName)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t')[1]!.replace(/^refs\/heads\//, ''))
    .sort();
}

/** An image of checkout tagged with a made-up commit SHA: `n` repeated to 40 characters. */
export function checkoutImage(n: number): string {
  return `registry.example.com/shop/checkout:${String(n).repeat(40).slice(0, 40)}`;
}
