import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { agentCommand } from '../../../src/cli/commands/agent.js';
import { appCommand } from '../../../src/cli/commands/app.js';
import { diffCommand } from '../../../src/cli/commands/diff.js';
import { renderCommand } from '../../../src/cli/commands/render.js';
import { validateCommand } from '../../../src/cli/commands/validate.js';
import type { Command } from '../../../src/cli/command.js';

// The commands of a `sh` block in the docs, checked against this repository: the block is valid bash;
// a `ladder` command names a command Ladder has and only flags it accepts; a script run with node or
// bash exists, and every --flag given to it appears in its source; an npm script is in package.json;
// a kustomize directory has a kustomization.yaml; the image's tag is the package's version. Commands
// of other programs (git, kubectl create, gh, go) are only parsed.

export const ladderCommands: readonly Command[] = [renderCommand, validateCommand, diffCommand, appCommand, agentCommand];

export function checkShellBlock(root: string, text: string, where: string): number {
  const syntax = spawnSync('bash', ['-n'], { input: text, encoding: 'utf8' });
  assert.equal(syntax.status, 0, `${where}: not valid bash: ${syntax.stderr}`);
  let checked = 0;
  for (const command of simpleCommands(text)) checked += checkCommand(root, command, where);
  return checked;
}

/** Lines joined at `\`, comments and heredoc bodies left out, split at `&&`, `||`, `|` and `;`. */
export function simpleCommands(text: string): string[][] {
  const lines: string[] = [];
  let heredoc: string | undefined;
  for (const raw of text.replace(/\\\n\s*/g, ' ').split('\n')) {
    if (heredoc !== undefined) {
      if (raw.trim() === heredoc) heredoc = undefined;
      continue;
    }
    const opens = /<<-?\s*'?(\w+)'?/.exec(raw);
    if (opens) heredoc = opens[1];
    lines.push(raw.replace(/(^|\s)#.*$/, ''));
  }
  return lines
    .flatMap((line) => line.split(/&&|\|\||\||;/))
    .map((part) => words(part.trim()))
    .map((w) => w.filter((word, i) => !(i === 0 && /^\w+=/.test(word))))
    .filter((w) => w.length > 0 && !['do', 'done', 'then', 'fi', 'for', 'if'].includes(w[0]!));
}

function words(text: string): string[] {
  return [...text.matchAll(/"(?:[^"\\]|\\.)*"|'[^']*'|\S+/g)].map((m) => m[0].replace(/^(['"])(.*)\1$/, '$2'));
}

function checkCommand(root: string, command: string[], where: string): number {
  const [program, ...args] = command;
  const at = `${where}: \`${command.join(' ')}\``;
  if (program === 'ladder') return checkLadder(args, at);
  if (program === 'node' && args[0] === 'dist/cli/main.js') return checkLadder(args.slice(1), at);
  if (program === 'node' || program === 'bash' || program === 'time') {
    const rest = program === 'time' ? args.slice(args[0] === 'node' ? 1 : 0) : args;
    const script = rest.filter((a, i) => !a.startsWith('-') && rest[i - 1] !== '--import')[0];
    if (!script || !/\.(ts|mjs|js|sh)$/.test(script)) return 0;
    for (const path of expand(root, script)) assert.ok(existsSync(join(root, path)), `${at}: ${path} does not exist`);
    const source = sourceOf(root, script);
    for (const flag of rest.filter((a) => /^--[a-z]/.test(a) && a !== '--import' && a !== '--test' && !a.startsWith('--test-'))) {
      assert.ok(source.includes(flag.split('=')[0]!.slice(2)), `${at}: ${script} does not read ${flag}`);
    }
    return 1;
  }
  if (program === 'npm') {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const name = args[0] === 'run' ? args[1]! : args[0]!;
    if (['ci', 'link', 'install'].includes(name)) return 1;
    assert.ok(name in scripts, `${at}: package.json has no script '${name}'`);
    return 1;
  }
  const kustomization = program === 'kustomize' && args[0] === 'build' ? args[1] : program === 'kubectl' && args[0] === 'apply' && args[1] === '-k' ? args[2] : undefined;
  if (kustomization !== undefined) {
    assert.ok(existsSync(join(root, kustomization, 'kustomization.yaml')), `${at}: ${kustomization} has no kustomization.yaml`);
    return 1;
  }
  if (program === 'docker' && args[0] === 'run') {
    const image = args.find((a) => a.startsWith('ghcr.io/ladder-gitops/ladder:'))!;
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    assert.equal(image.split(':')[1], version, `${at}: the image's tag is the package's version`);
    const after = args.slice(args.indexOf(image) + 1);
    return after.length === 0 ? 1 : checkLadder(after, at);
  }
  return 0;
}

/** A `ladder` command line: a command Ladder has, with flags it accepts. */
export function checkLadder(args: readonly string[], at: string): number {
  const command = ladderCommands.find((c) => c.name === args[0]);
  assert.ok(command, `${at}: ladder has no command '${args[0]}'`);
  for (const arg of args.slice(1)) {
    const flag = /^--([a-z][\w-]*)/.exec(arg)?.[1];
    if (flag === undefined || flag === 'help') continue;
    assert.ok(flag in command.options, `${at}: ladder ${command.name} has no option --${flag}`);
  }
  return 1;
}

function expand(root: string, path: string): string[] {
  if (!path.includes('*')) return [path];
  const dir = dirname(path);
  const pattern = new RegExp(`^${path.slice(dir.length + 1).replace(/\./g, '\\.').replace(/\*/g, '.*')}$`);
  const found = readdirSync(join(root, dir)).filter((name) => pattern.test(name));
  assert.ok(found.length > 0, `${path} matches no file`);
  return found.map((name) => join(dir, name));
}

/** The source a flag of the script would be read in: the script and the files beside it. */
function sourceOf(root: string, script: string): string {
  const dir = join(root, dirname(script));
  return readdirSync(dir)
    .filter((name) => /\.(ts|mjs|js|sh)$/.test(name) && statSync(join(dir, name)).isFile())
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
}
