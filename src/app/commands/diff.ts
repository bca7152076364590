import { BlobCache, readTemplatesAt, readTextFile } from '../../adapters/github/code-repo.js';
import { readTemplates } from '../../adapters/fs/templates.js';
import { commentLimit, truncateForComment } from '../../core/commands/replies.js';
import { checkConfig, defaultConfigPath, environmentsFedByBranch, manifestBranch } from '../../core/config/load.js';
import type { LadderConfig } from '../../core/config/schema.js';
import { diffResources, findIdentityProblems, type ResourceDiff } from '../../core/diff/diff-resources.js';
import { LadderInputError } from '../../core/errors.js';
import { renderEnvironment } from '../../core/render/render.js';
import { createPaint } from '../../cli/format/color.js';
import { formatDiffText } from '../../cli/format/diff-text.js';
import { parseRendered, readManifestSet, type ManifestSet } from './manifest-set.js';
import type { CommandRun } from './run.js';

const templateBlobs = new BlobCache();

/**
 * `/ladder diff`. On a code PR: for each environment its base branch feeds,
 * render the PR head and compare with the environment branch, resource by
 * resource. On a promotion PR: compare its head with the environment branch.
 * Secret values are masked by the diff itself; long diffs are cut to fit a
 * GitHub comment.
 */
export async function diffReply(run: CommandRun): Promise<string> {
  const { target } = run;
  if (target.kind === 'promotion') {
    const base = await readManifestSet(run.octokit, target.manifestRepo, target.pull.baseRef, target.config.manifests.path);
    const head = await readManifestSet(run.octokit, target.manifestRepo, target.pull.headSha, target.config.manifests.path);
    const title = `Changes this pull request makes to \`${target.pull.baseRef}\``;
    return section(title, compare(base, head), commentLimit - 200);
  }
  const config = await configAtHead(run);
  if ('problem' in config) return config.problem;
  const environments = environmentsFedByBranch(config.config, target.pull.baseRef);
  if (environments.length === 0) {
    return `\`${target.pull.baseRef}\` feeds no environment of \`${config.config.service}\` directly, so merging this pull request renders nothing (environments promoted from another environment follow their upstream).`;
  }
  const budget = Math.floor((commentLimit - 500) / environments.length) - 200;
  const parts = [`Rendered at this pull request's head \`${target.pull.headSha.slice(0, 7)}\` (after merge the image tag is the merge commit's sha).`];
  for (const environment of environments) {
    const branch = manifestBranch(environment);
    const after = await renderAtHead(run, config.config, environment.name);
    const before = 'problem' in after ? after : await readManifestSet(run.octokit, target.manifestRepo, branch, config.config.manifests.path);
    parts.push(section(`\`${environment.name}\` (branch \`${branch}\` of \`${config.config.manifests.repo}\`)`, compare(before, after), budget));
  }
  return parts.join('\n\n');
}

async function configAtHead(run: CommandRun): Promise<{ config: LadderConfig } | { problem: string }> {
  const { target } = run;
  const text = await readTextFile(run.octokit, target.codeRepo, defaultConfigPath, target.pull.headSha);
  if (text === undefined) return { problem: `This pull request's head has no \`${defaultConfigPath}\`; there is nothing to render.` };
  const checked = checkConfig(text);
  if (!checked.ok) {
    return { problem: `\`${defaultConfigPath}\` at this pull request's head is invalid:\n\n${checked.problems.map((p) => `- line ${p.line}, column ${p.column}: ${p.message}`).join('\n')}` };
  }
  return { config: checked.config };
}

async function renderAtHead(run: CommandRun, config: LadderConfig, environment: string): Promise<ManifestSet> {
  const { target } = run;
  try {
    const dir = config.manifests.templates;
    const templates = dir
      ? await readTemplatesAt(run.octokit, target.codeRepo, target.pull.headSha, dir, templateBlobs, defaultConfigPath)
      : await readTemplates();
    const files = renderEnvironment({ config, environment, sha: target.pull.headSha, templates, ...(dir ? { templatesDir: dir } : {}) });
    return parseRendered(files);
  } catch (error) {
    if (error instanceof LadderInputError) return { ok: false, problem: error.message };
    throw error;
  }
}

function compare(before: ManifestSet, after: ManifestSet): { diff: ResourceDiff } | { problem: string } {
  if (!before.ok) return { problem: before.problem };
  if (!after.ok) return { problem: after.problem };
  for (const side of [before, after]) {
    const problem = findIdentityProblems(side.objects)[0];
    if (problem) return { problem: problem.message };
  }
  return { diff: diffResources(before.objects, after.objects) };
}

function section(title: string, result: { diff: ResourceDiff } | { problem: string }, budget: number): string {
  if ('problem' in result) return `**${title}**: cannot compare — ${result.problem}`;
  const text = formatDiffText(result.diff, () => undefined, createPaint(false)).trimEnd();
  const body = truncateForComment(text, Math.max(budget, 200), 'truncated to fit a comment; `ladder diff` shows the rest');
  return `**${title}**\n\n${fenced(body)}`;
}

/** A code block whose fence is longer than any run of backticks inside it. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}diff\n${text}\n${fence}`;
}
