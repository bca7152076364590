import { commentLimit, truncateForComment } from '../../core/commands/replies.js';
import { defaultConfigPath, environmentsFedByBranch, manifestBranch } from '../../core/config/load.js';
import type { EffectiveConfig } from '../../core/services/effective.js';
import { formatRepo } from '../../adapters/github/types.js';
import { codeSpan } from '../../core/commands/markdown.js';
import { formatProblem } from '../../core/config/problem.js';
import { diffResources, findIdentityProblems, type ResourceDiff } from '../../core/diff/diff-resources.js';
import { diffSopsDocuments } from '../../core/diff/sops-diff.js';
import { createPaint } from '../../core/format/color.js';
import { formatDiffText } from '../../core/format/diff-text.js';
import { readKeptSecrets } from '../promotion/kept-secrets.js';
import { prepare } from '../promotion/prepare.js';
import { loadServiceConfig } from '../promotion/service-config.js';
import { parseRendered, readManifestSet, type ManifestSet } from './manifest-set.js';
import type { CommandRun } from './types.js';

/**
 * `/ladder diff`. On a code PR: for each environment its base branch feeds,
 * render the PR head and compare with the environment branch, resource by
 * resource. The environments, their branches and the folder come from the
 * manifest repository's grant, never from the PR head (a fork's head could
 * name any branch or folder): the head's config only renders, and is held to
 * the same grant as a merge would be. On a promotion PR: compare its head
 * with the environment branch, SOPS-encrypted files included (by key names
 * and ciphertext only). Secret values are masked by the diff itself;
 * long diffs are cut to fit a GitHub comment.
 */
export async function diffReply(run: CommandRun): Promise<string> {
  const { target } = run;
  if (target.kind === 'promotion') {
    const manifests = run.github.manifestRepo(target.manifestRepo);
    const base = await readManifestSet(manifests, target.pull.baseRef, target.config.manifests.path, { sops: true });
    const head = await readManifestSet(manifests, target.pull.headSha, target.config.manifests.path, { sops: true });
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
    const after = await renderAtHead(run, config.config, environment.name, branch);
    const before = after.ok ? await readManifestSet(run.github.manifestRepo(target.manifestRepo), branch, config.config.manifests.path) : after;
    const title = `\`${environment.name}\` (branch \`${branch}\` of \`${config.config.manifests.repo}\`)`;
    parts.push(section(title, compare(before, after), budget) + ('note' in after && after.note ? `\n\n${truncateForComment(after.note, 2000)}` : ''));
  }
  return parts.join('\n\n');
}

async function configAtHead(run: CommandRun): Promise<{ config: EffectiveConfig } | { problem: string }> {
  const { target } = run;
  const loaded = await loadServiceConfig(run.github, target.codeRepo, target.pull.headSha, { manifestRepo: target.manifestRepo });
  if (loaded.kind === 'missing') return { problem: `This pull request's head has no \`${defaultConfigPath}\`; there is nothing to render.` };
  if (loaded.kind === 'invalid') {
    const problems = loaded.problems.map((p) => `- ${codeSpan(formatProblem(loaded.source.display, p), 500)}`).join('\n');
    const what = loaded.grantedBy ? `asks for more than \`${formatRepo(loaded.grantedBy)}\` grants` : 'is invalid';
    return { problem: `The config at this pull request's head ${what}:\n\n${problems}` };
  }
  if (loaded.kind === 'refused') return { problem: `Nothing to render: ${loaded.refusal.reason}.` };
  return { config: loaded.config };
}

/**
 * The PR head rendered for one environment, through the promotion engine's
 * own render and validation (a resource that is one of the branch's
 * encrypted Secrets refused, as the merge would refuse it); validation
 * errors do not hide the diff, they are noted under it.
 */
async function renderAtHead(run: CommandRun, config: EffectiveConfig, environment: string, branch: string): Promise<ManifestSet & { note?: string }> {
  const { target } = run;
  const { schemas, templates, renderer, tools, charts } = run.services;
  const keptSecrets = await readKeptSecrets(run.github.manifestRepo(target.manifestRepo), branch, config.manifests.path);
  const prepared = await prepare({ codeRepo: run.github.codeRepo(target.codeRepo), schemas, templates, renderer, tools, charts }, { config, configFile: defaultConfigPath, sourceSha: target.pull.headSha, environment, keptSecrets });
  if (prepared.kind === 'render-error') return { ok: false, problem: prepared.error.message };
  const set = parseRendered(prepared.files);
  if (prepared.kind === 'ready') return set;
  const errors = prepared.report.findings.filter((f) => f.severity === 'error');
  const listed = errors.slice(0, 5).map((f) => `\`${f.file}:${f.line}:${f.column}\` ${f.message}`);
  const more = errors.length > listed.length ? ` (and ${errors.length - listed.length} more)` : '';
  return { ...set, note: `⚠️ This render does not pass validation, so merging would open no promotion: ${listed.join('; ')}${more}.` };
}

function compare(before: ManifestSet, after: ManifestSet): { diff: ResourceDiff } | { problem: string } {
  if (!before.ok) return { problem: before.problem };
  if (!after.ok) return { problem: after.problem };
  for (const side of [before, after]) {
    const problem = findIdentityProblems(side.objects)[0];
    if (problem) return { problem: problem.message };
  }
  const diff = diffResources(before.objects, after.objects);
  // Encrypted files, on a promotion PR: by key names and ciphertext, never a value (docs/secrets.md).
  if (!before.sops && !after.sops) return { diff };
  return { diff: { ...diff, sops: diffSopsDocuments(before.sops ?? [], after.sops ?? []) } };
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
