// Issue 12, "docs that cannot drift": every fenced block of the README and docs/ is checked by what it
// is an example of (test/support/docs/examples.ts says how each kind is checked), and a block this
// file cannot tell the kind of fails, so a new example comes with its check. Terminal transcripts
// (`$ command` and what it printed) are run, each page's in one bash session, and what came out is
// compared line by line; getting-started.md is run by test/integration/getting-started.test.ts
// (here: each of its blocks carries the instruction that test follows). deploy/'s files are checked by
// deploy-validate.test.ts (schemas and policy), deploy-apply.test.ts (applied to a real API server) and
// the image tests (the agent and the App run from its Deployments).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { docBlocks, where, type DocBlock } from '../support/docs/blocks.js';
import * as examples from '../support/docs/examples.js';
import { assertPrinted, parseTranscript, runSession, type TranscriptStep } from '../support/docs/transcript.js';
import { readGuide } from '../support/guide.js';
import { repoRoot as root, runLadder } from './cli-run.js';
import { sopsDiffLines } from '../support/docs/sops-diff-lines.js';

const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const isTranscript = (block: DocBlock) => block.text.startsWith('$ ');

/** What a block is an example of, and its check. */
function checkOf(block: DocBlock): { kind: string; check: examples.Check } | undefined {
  const { file, language, text } = block;
  const first = text.split('\n')[0]!;
  switch (language) {
    case 'sh':
      return { kind: 'shell commands', check: examples.shell(root) };
    case 'json':
      return { kind: 'JSON', check: examples.json };
    case 'handlebars':
      return { kind: 'template', check: examples.template(root) };
    case 'ts':
      return { kind: 'TypeScript', check: examples.typescript(root) };
    case 'yaml':
      if (/^# yaml-language-server/.test(first) && text.trimEnd().split('\n').length === 1) return { kind: 'schema comment', check: examples.schemaComment(root) };
      if (/^services:/m.test(text)) return { kind: '.ladder/services.yml', check: examples.servicesFile };
      if (first === 'agents:') return { kind: 'part of .ladder/services.yml', check: examples.servicesPart(root) };
      if (/^service: /m.test(text)) return { kind: '.github/ladder.yml', check: examples.config };
      if (/^(environments|validation):/.test(first)) return { kind: 'part of .github/ladder.yml', check: examples.configPart(root) };
      if (/^apiVersion: /m.test(text)) return { kind: 'Kubernetes manifest', check: kubernetes };
      if (first === 'images:') return { kind: 'kustomize images', check: examples.kustomizeImages(root) };
      if (first === 'creation_rules:') return { kind: '.sops.yaml', check: examples.sopsCreationRules(root) };
      if (/^- run: /.test(first)) return { kind: 'workflow steps', check: examples.workflowSteps(root) };
      return undefined;
  }
  if (first.startsWith('/ladder ')) return { kind: 'pull-request commands', check: examples.prCommands };
  if (file === 'docs/cli.md' && first.startsWith('ladder ')) return { kind: 'usage', check: examples.usage };
  if (/^node /.test(first)) return { kind: 'shell commands', check: examples.shell(root) };
  if (file === 'docs/configuration.md' && /^\.github\/ladder\.yml:\d+:\d+ /.test(first)) return { kind: 'config error', check: examples.configError(root) };
  if (file === 'docs/templates.md' && /^deployment\.yaml\.hbs:\d+:\d+ /.test(first)) return { kind: 'template error', check: examples.templateError(root) };
  if (file === 'docs/agent.md' && first.startsWith('ladder agent: ')) return { kind: 'agent config error', check: examples.agentConfigError };
  if (file === 'docs/validation.md' && first.startsWith('deploy/web.yaml:')) return { kind: 'schema findings', check: schemaFindings };
  if (file === 'docs/validation.md' && /^\S+\.yaml:\d+:\d+\s+error\s+apiserver\s/.test(first)) return { kind: 'API-server findings', check: apiServerFindings };
  if (file === 'docs/validation.md' && first.startsWith('deploy/templates/')) return { kind: 'finding at a template line', check: templateFinding };
  if (file === 'docs/secrets.md' && / \(SOPS\)/.test(first)) return { kind: 'SOPS diff lines', check: sopsDiffLines };
  if (first === 'deploy/') return { kind: 'file tree', check: examples.paths(root, 'deploy') };
  if (/^(src\/|\s+src\/)/.test(first)) return { kind: 'layout', check: examples.paths(root) };
  if (file === 'docs/testing-github.md' && first.startsWith('request ')) return { kind: 'diagram', check: examples.paths(root, 'test/bed/github') };
  return undefined;
}

/** A manifest as a reader would check it: `ladder validate -`, no findings. */
async function kubernetes(block: DocBlock): Promise<void> {
  const result = await runLadder(['validate', '-'], { stdin: block.text });
  assert.equal(result.code, 0, `${where(block)}: ${result.stdout}${result.stderr}`);
}

/** validation.md's schema findings: what `ladder validate` finds in test/fixtures/docs/deploy, the files the page names. */
async function schemaFindings(block: DocBlock): Promise<void> {
  const result = await runLadder(['validate', '--format', 'json', 'test/fixtures/docs/deploy']);
  const { findings } = JSON.parse(result.stdout) as { findings: Array<{ file: string; line: number; column: number; rule: string; message: string }> };
  const found = findings.filter((f) => f.rule === 'schema').map((f) => `${f.file.replace('test/fixtures/docs/', '')}:${f.line}:${f.column} ${f.message}`);
  const shown = block.text.trimEnd().split('\n').map((line) => line.replace(/^(\S+)\s+/, '$1 '));
  assert.deepEqual(found.sort(), shown.sort(), where(block));
}

/** A finding's text with its file left out: what the page shows under a short name is the fixture's. */
const withoutFile = (line: string) => line.replace(/^\S+?:(\d+:\d+)\s+/, '$1 ').trimEnd();

/** validation.md's API-server findings: what `ladder validate` says of the mistake fixtures they name (`Kind/<name>` is test/fixtures/mistakes/apiserver-<name>.yaml). */
async function apiServerFindings(block: DocBlock): Promise<void> {
  const names = [...block.text.matchAll(/\s\w+\/([a-z0-9-]+)\s/g)].map((m) => m[1]!);
  assert.ok(names.length > 0, where(block));
  const result = await runLadder(['validate', ...names.map((name) => `test/fixtures/mistakes/apiserver-${name}.yaml`)]);
  const said = result.stdout.split('\n').filter((line) => line.trim() !== '' && !/^\d+ errors?,/.test(line)).map(withoutFile);
  assert.deepEqual(said, block.text.trimEnd().split('\n').map((line) => withoutFile(line.replace(/^ {4}/, '    '))), where(block));
}

/** validation.md's finding at a template line: the template-locations fixture rendered for dev and validated. */
async function templateFinding(block: DocBlock): Promise<void> {
  const out = await mkdtemp(join(tmpdir(), 'ladder-docs-template-'));
  try {
    const config = 'test/fixtures/cli/template-locations/.github/ladder.yml';
    const rendered = await runLadder(['render', '--config', config, '--env', 'dev', '--sha', '0123456789abcdef0123456789abcdef01234567', '--out', join(out, 'dev')]);
    assert.equal(rendered.code, 0, rendered.stderr);
    const lines = (await runLadder(['validate', join(out, 'dev')])).stdout.split('\n');
    const [finding, renderedAt] = block.text.trimEnd().split('\n');
    const at = lines.findIndex((line) => line.endsWith(finding!.slice(finding!.indexOf('  '))));
    assert.ok(at >= 0, `${where(block)}: ladder validate did not say ${finding}`);
    assert.ok(lines[at]!.startsWith('test/fixtures/cli/template-locations/deploy/templates/'), lines[at]);
    assert.equal(lines[at + 1]!.replace(`${out}/`, 'out/'), renderedAt, where(block));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

describe('every example in the README and docs/', { concurrency: 4 }, () => {
  for (const page of pages) {
    const blocks = docBlocks(root, page);
    if (page === 'docs/getting-started.md') {
      it(`${page}: every block is an instruction of the test that runs the guide`, () => {
        const guide = readGuide(new URL(`../../${page}`, import.meta.url));
        assert.equal(guide.length, blocks.length);
      });
      continue;
    }
    for (const block of blocks.filter((b) => !isTranscript(b))) {
      const found = checkOf(block);
      it(`${where(block)}: ${found?.kind ?? 'unknown'}`, async () => {
        assert.ok(found, `${where(block)}: no check for this \`${block.language || 'plain'}\` block; say in docs-examples.test.ts what it is an example of and check it`);
        await found.check(block);
      });
    }
  }
});

describe('the terminal transcripts of the docs, run', { concurrency: 2 }, () => {
  let scratch: string;
  before(async () => (scratch = await mkdtemp(join(tmpdir(), 'ladder-docs-'))));
  after(async () => rm(scratch, { recursive: true, force: true }));

  it('docs/cli.md, from the repository root', async () => {
    const blocks = docBlocks(root, 'docs/cli.md').filter(isTranscript);
    assert.ok(blocks.length >= 10);
    const out = join(scratch, 'cli');
    const steps = blocks.flatMap((b) => parseTranscript(b.text.replaceAll('/tmp/', `${out}/`), b.line));
    const printed = await runSession(steps, { cwd: root, env: { PATH: process.env.PATH } });
    steps.forEach((step, i) => assertPrinted(printed[i]!, step.expected, `docs/cli.md:${step.line}`));
  });

  it('docs/walkthrough.md, in a copy of the example service', async () => {
    const page = docBlocks(root, 'docs/walkthrough.md');
    const [build, setUp] = page.filter((b) => b.language === 'sh');
    assert.match(build!.text, /npm ci && npm run build/); // stood in for: LADDER is this tree, `ladder` its CLI
    const steps: TranscriptStep[] = page.filter(isTranscript).flatMap((b) => parseTranscript(b.text, b.line));
    // The reader edits .github/ladder.yml by hand before `git diff` shows it: the test applies the diff shown.
    const edit = steps.find((s) => s.command === 'git diff')!;
    edit.command = `git apply <<'PATCH'\n${edit.expected.join('\n')}\nPATCH\ngit diff`;
    const home = join(scratch, 'home');
    const env = { PATH: process.env.PATH, HOME: home, LADDER: root, GIT_AUTHOR_NAME: 'r', GIT_AUTHOR_EMAIL: 'r@example.org', GIT_COMMITTER_NAME: 'r', GIT_COMMITTER_EMAIL: 'r@example.org', GIT_CONFIG_GLOBAL: '/dev/null' };
    const printed = await runSession([...steps, { command: 'git rev-list --reverse HEAD', expected: [], line: 0 }], { cwd: scratch, env, prelude: `mkdir -p "${home}"\n${setUp!.text}` });
    // The page's commits are not the reader's: its SHAs stand for the ones this run made, in order.
    const ours = printed.at(-1)!.trim().split('\n');
    const theirs = [...new Set([...page.map((b) => b.text).join('\n').matchAll(/\b[0-9a-f]{40}\b/g)].map((m) => m[0]))];
    assert.equal(theirs.length, ours.length, `the page's commits ${theirs.join(', ')}; this run's ${ours.join(', ')}`);
    const mine = (line: string) => theirs.reduce((text, sha, i) => text.replaceAll(sha, ours[i]!).replaceAll(sha.slice(0, 12), ours[i]!.slice(0, 12)), line);
    steps.forEach((step, i) => assertPrinted(printed[i]!, step.expected.map(mine), `docs/walkthrough.md:${step.line}`));
  });
});

describe("the agent's RBAC as agent.md and deploy.md describe it", () => {
  const rules = (path: string) =>
    parseAllDocuments(readFileSync(join(root, path), 'utf8'))
      .map((doc) => doc.toJS() as { kind: string; rules?: Array<{ resources: string[]; verbs: string[] }> })
      .flatMap((object) => (object.kind === 'Role' || object.kind === 'ClusterRole' ? object.rules! : []));
  const pages = ['docs/agent.md', 'docs/deploy.md'].map((page) => [page, readFileSync(join(root, page), 'utf8')] as const);

  it("names each resource of the agent's own Role with exactly the verbs deploy/base/agent/rbac.yaml grants", () => {
    for (const rule of rules('deploy/base/agent/rbac.yaml')) {
      for (const resource of rule.resources) {
        for (const [page, text] of pages) assert.ok(text.includes(`\`${resource}\` ${rule.verbs.join('/')}`), `${page}: \`${resource}\` ${rule.verbs.join('/')}`);
      }
    }
  });

  it("gives the target role's verbs as deploy/base/agent-target-role grants them, the same for every kind", () => {
    const verbs = new Set(rules('deploy/base/agent-target-role/clusterrole.yaml').map((rule) => rule.verbs.join('/')));
    assert.equal(verbs.size, 1);
    assert.ok(pages[0]![1].includes(`RoleBinding: ${[...verbs][0]}`), `docs/agent.md names ${[...verbs][0]}`);
  });
});
