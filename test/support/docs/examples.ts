import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml, stringify } from 'yaml';
import { parseAgentConfig } from '../../../src/agent/wiring/config.js';
import { parseCommandLine } from '../../../src/core/commands/parse.js';
import { checkConfig, parseConfig } from '../../../src/core/config/load.js';
import { formatProblem } from '../../../src/core/config/problem.js';
import { parseServices } from '../../../src/core/services/load.js';
import { createTemplateEngine } from '../../../src/core/render/handlebars/engine.js';
import { renderEnvironment } from '../../../src/core/render/render.js';
import type { DocBlock } from './blocks.js';
import { checkShellBlock, ladderCommands } from './commands.js';

// How each kind of example in the docs is checked: configs by Ladder's config loader, templates by
// its template engine, pull-request commands by its command parser, error messages by producing
// them, file trees and layouts against the repository, code snippets against the modules they import.

export type Check = (block: DocBlock) => void | Promise<void>;

const exampleConfig = (root: string) => readFileSync(join(root, 'docs/example/.github/ladder.yml'), 'utf8');
const sha = '0123456789abcdef0123456789abcdef01234567';

/** A whole `.github/ladder.yml`: it loads. */
export const config: Check = (block) => void parseConfig(block.text, `${block.file}:${block.line}`);

/** Part of a `.github/ladder.yml` (`environments:`, `validation:`): it loads in the example config, environments by name. */
export const configPart = (root: string): Check => (block) => {
  const base = parseYaml(exampleConfig(root)) as Record<string, unknown> & { environments: Array<{ name: string }> };
  const part = parseYaml(block.text) as Record<string, unknown>;
  for (const [key, value] of Object.entries(part)) {
    if (key !== 'environments') base[key] = value;
    else for (const env of value as Array<{ name: string }>) base.environments = base.environments.map((e) => (e.name === env.name ? env : e));
  }
  parseConfig(stringify(base), `${block.file}:${block.line}`);
};

/** A whole `.ladder/services.yml`: it loads, the rules across keys included. */
export const servicesFile: Check = (block) => void parseServices(block.text, `${block.file}:${block.line}`);

/** Part of a `.ladder/services.yml` (`agents:`): it loads in place of that key of the example grants, docs/example-manifests'. */
export const servicesPart = (root: string): Check => (block) => {
  const base = parseYaml(readFileSync(join(root, 'docs/example-manifests/.ladder/services.yml'), 'utf8')) as Record<string, unknown>;
  parseServices(stringify({ ...base, ...(parseYaml(block.text) as Record<string, unknown>) }), `${block.file}:${block.line}`);
};

/** The editor's schema comment: the schema it names is in docs/. */
export const schemaComment = (root: string): Check => (block) => {
  const name = /\$schema=https:\/\/raw\.githubusercontent\.com\/ladder-gitops\/ladder\/main\/(\S+)/.exec(block.text)?.[1];
  assert.ok(name && existsSync(join(root, name)), `${block.file}:${block.line}: the schema comment names ${name}, which is not in the repository`);
};

/** configuration.md's located error: the page's own example, with the misspelling, gives it. */
export const configError = (root: string): Check => (block) => {
  const example = readFileSync(join(root, 'docs/configuration.md'), 'utf8').split('```yaml\n')[2]!.split('```')[0]!;
  const checked = checkConfig(example.replace('autoMerge', 'autoMerg'));
  assert.ok(!checked.ok);
  assert.equal(checked.problems.map((p) => formatProblem('.github/ladder.yml', p)).join('\n'), block.text.trimEnd());
};

/** templates.md's missing value: a template with `{{str values.memory}}` at 14:23 and no such value. */
export const templateError = (root: string): Check => (block) => {
  const configText = exampleConfig(root).replace(/^values:[\s\S]*$/m, '').replace(/^ {2}templates:.*$/m, '');
  const content = `${Array.from({ length: 13 }, (_, i) => `# line ${i + 1}`).join('\n')}\n              memory: {{str values.memory}}\n`;
  assert.throws(
    () => renderEnvironment({ config: parseConfig(configText, 'c'), environment: 'dev', sha, templates: [{ path: 'deployment.yaml.hbs', content }] }),
    (error: Error) => (assert.equal(error.message, block.text.trimEnd()), true),
  );
};

/** agent.md's report of two problems: a config with the misspelt key at 11:3 and a bad variable. */
export const agentConfigError: Check = (block) => {
  const text = `repository: shop/checkout-manifests\nenvironment: dev\npath: checkout\nnamespaces: [checkout-dev]\ngithub:\n  appId: 1\n  installationId: 2\n  privateKeyPath: /k.pem\nintervals:\n  resyncSeconds: 300\n  polSeconds: 10\n`;
  assert.throws(
    () => parseAgentConfig(text, '/etc/ladder/agent.yaml', { LADDER_SLACK_WEBHOOK_URL: 'not a url' }),
    (error: Error) => (assert.equal(`ladder agent: ${error.message}`, block.text.trimEnd()), true),
  );
};

/** A Handlebars template: a whole one renders with the example config; a part compiles. */
export const template = (root: string): Check => (block) => {
  const engine = createTemplateEngine();
  if (!/^apiVersion:/m.test(block.text)) return void engine.compile({ path: 'part.yaml.hbs', content: block.text }, 'part.yaml.hbs');
  const base = parseYaml(exampleConfig(root)) as { values: { default: Record<string, unknown> }; manifests: Record<string, unknown> };
  base.values.default.cleanupArgs = ['--older-than', '30d'];
  const files = renderEnvironment({ config: parseConfig(stringify(base), 'c'), environment: 'dev', sha, templates: [{ path: 'example.yaml.hbs', content: block.text }] });
  assert.equal(files.length, 1);
};

/** Pull-request commands: each line parses as the command it shows. */
export const prCommands: Check = (block) => {
  for (const line of block.text.trimEnd().split('\n')) {
    const parsed = parseCommandLine(line) as { ok?: boolean; error?: unknown };
    assert.ok(!('error' in parsed) || parsed.error === undefined, `${block.file}:${block.line}: '${line}' does not parse: ${JSON.stringify(parsed)}`);
  }
};

/** cli.md's synopses: each line is a command's usage (or its summary in `ladder --help`). */
export const usage: Check = (block) => {
  for (const line of block.text.trimEnd().split('\n')) {
    const bare = line.replace(/\s+\(.*\)$/, '').trimEnd();
    const known = ladderCommands.some((c) => c.usage.some((u) => `ladder ${u}` === bare) || new RegExp(`^ladder ${c.name}\\s+${escape(c.summary)}$`).test(bare));
    assert.ok(known || ladderCommands.some((c) => bare === `ladder ${c.name}`), `${block.file}:${block.line}: '${line}' is no command's usage or summary`);
  }
};

/** A tree, a layout or a diagram: every path it names exists (a placeholder such as `<area>.ts`: the folder it is in), under `base` or the root. */
export const paths = (root: string, base = ''): Check => (block) => {
  const named = [...block.text.matchAll(/(?:^|[\s(])((?:src|test|deploy|bench|docs|templates|routes)\/(?:[\w.-]+\/)*[\w.<>*-]*)/gm)].map((m) => m[1]!.replace(/[^/]*[<*].*$/, ''));
  const tree = treePaths(block.text, base);
  assert.ok(named.length + tree.length > 0, `${block.file}:${block.line}: names no path`);
  for (const path of [...named, ...tree]) assert.ok(existsSync(join(root, base, path)) || existsSync(join(root, path)), `${block.file}:${block.line}: ${path} does not exist`);
};

/** The paths of a `tree`-style listing (├── name/). */
function treePaths(text: string, base: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!.replace(/\/$/, ''));
    out.push(join(base, ...stack));
  }
  return out;
}

/** A TypeScript snippet: the modules it imports export what it imports; the calls it shows exist in the test bed. */
export const typescript = (root: string): Check => async (block) => {
  const from = join(root, 'test/integration'); // the snippets are written as a test file there would import
  for (const match of block.text.matchAll(/import \{([^}]+)\} from '([^']+)'/g)) {
    const names = match[1]!.split(',').map((n) => n.trim().replace(/^type /, '')).filter(Boolean);
    const spec = match[2]!;
    if (!spec.startsWith('.')) continue;
    const file = resolve(from, spec).replace(/\.js$/, '.ts');
    const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    const source = readFileSync(file, 'utf8');
    for (const name of names) assert.ok(name in module || new RegExp(`export (?:type|interface) ${name}\\b|export type \\{[^}]*\\b${name}\\b`).test(source) || source.includes(name), `${block.file}:${block.line}: ${spec} exports no ${name}`);
  }
  const bed = bedSource(root);
  for (const match of block.text.matchAll(/(\w+)\.(\w+)\(|^\s+(\w+)\??[:(]/gm)) {
    if (match[1] !== undefined && ['assert', 'console', 'JSON', 'Object', 'Promise', 'Math', 'process'].includes(match[1])) continue;
    const name = match[2] ?? match[3]!;
    assert.ok(new RegExp(`\\b${name}\\b`).test(bed), `${block.file}:${block.line}: the test bed has no ${name}`);
  }
};

let bedText: string | undefined;
function bedSource(root: string): string {
  return (bedText ??= readdirSync(join(root, 'test/bed'), { recursive: true })
    .map(String)
    .filter((p) => p.endsWith('.ts'))
    .map((p) => readFileSync(join(root, 'test/bed', p), 'utf8'))
    .join('\n'));
}

/** JSON: it parses. */
export const json: Check = (block) => void JSON.parse(block.text);

/** A kustomize `images:` entry: it names the image deploy/ runs. */
export const kustomizeImages = (root: string): Check => (block) => {
  const { images } = parseYaml(block.text) as { images: Array<{ name: string }> };
  const base = readFileSync(join(root, 'deploy/overlays/agent/kustomization.yaml'), 'utf8');
  for (const image of images) assert.ok(base.includes(`name: ${image.name}`), `${block.file}:${block.line}: deploy/'s overlays set no image ${image.name}`);
};

/** A workflow step list: each `run:` is a valid command line of Ladder. */
export const workflowSteps = (root: string): Check => (block) => {
  const steps = parseYaml(block.text) as Array<{ run?: string; uses?: string }>;
  const runs = steps.filter((s) => s.run);
  assert.ok(runs.length > 0);
  for (const step of runs) assert.ok(checkShellBlock(root, step.run!, `${block.file}:${block.line}`) > 0);
};

export const shell = (root: string): Check => (block) => void checkShellBlock(root, block.text, `${block.file}:${block.line}`);


function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
