import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// A terminal transcript in the docs (`$ command` lines, each followed by what it printed) run for
// real: every command in one bash session, in order, and what it printed (standard output and error
// together, as a terminal shows them) compared line by line. A line `...` or `…` stands for any number
// of lines, as the page says when it shortens an output. `echo $?` prints the status of the command
// before it, as in a terminal.

export interface TranscriptStep {
  command: string;
  expected: string[];
  /** 1-based line of the `$` line in the page. */
  line: number;
}

export function parseTranscript(text: string, firstLine: number): TranscriptStep[] {
  const steps: TranscriptStep[] = [];
  text.trimEnd().split('\n').forEach((line, index) => {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2), expected: [], line: firstLine + 1 + index });
    else if (steps.length === 0) throw new Error(`line ${firstLine + 1 + index}: a transcript starts with a '$ ' command`);
    else steps.at(-1)!.expected.push(line);
  });
  return steps;
}

const root = fileURLToPath(new URL('../../..', import.meta.url));
const tsx = import.meta.resolve('tsx');

/** Bash that defines `ladder` as the reader's `npm link` would: this tree's CLI (through tsx, no build needed). */
export const ladderFunction = `ladder() { "${process.execPath}" --import "${tsx}" "${root}src/cli/main.ts" "$@"; }\n`;

export interface SessionOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Bash run first, unchecked (the page's set-up blocks). */
  prelude?: string;
}

/** Runs the steps in one bash session; resolves with what each step printed. */
export function runSession(steps: readonly TranscriptStep[], options: SessionOptions): Promise<string[]> {
  const marker = '@@ladder-docs-step@@';
  let script = `${ladderFunction}cd "${options.cwd}"\n${options.prelude ?? ''}\n__status=0\n`;
  steps.forEach((step) => {
    const command = step.command === 'echo $?' ? 'echo "$__status"' : step.command;
    script += `printf '\\n${marker}\\n'\n${command} 2>&1\n__status=$?\n`;
  });
  script += `printf '\\n${marker}\\n'\n`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { env: { NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const parts = out.split(`\n${marker}\n`);
      if (parts.length !== steps.length + 2) return reject(new Error(`the session ended early:\n${out}\n${err}`));
      resolve(parts.slice(1, -1));
    });
  });
}

/** Asserts that a step printed what the page shows (`...`/`…` lines match any lines). */
export function assertPrinted(actualText: string, expected: readonly string[], where: string): void {
  const actual = actualText.replace(/\n$/, '').split('\n').filter((line, i, all) => !(all.length === 1 && line === ''));
  const chunks: string[][] = [[]];
  for (const line of expected) {
    if (line.trim() === '...' || line.trim() === '…') chunks.push([]);
    else chunks.at(-1)!.push(line);
  }
  const message = `${where}: the page shows\n${expected.join('\n')}\n--- but it printed ---\n${actual.join('\n')}`;
  if (chunks.length === 1) return assert.deepEqual(actual, expected, message);
  let at = 0;
  chunks.forEach((chunk, index) => {
    const last = index === chunks.length - 1;
    const found = index === 0 ? 0 : last ? actual.length - chunk.length : findRun(actual, chunk, at);
    assert.ok(found >= at && found >= 0, message);
    assert.deepEqual(actual.slice(found, found + chunk.length), chunk, message);
    at = found + chunk.length;
  });
}

function findRun(lines: readonly string[], run: readonly string[], from: number): number {
  for (let i = from; i + run.length <= lines.length; i++) if (run.every((line, j) => lines[i + j] === line)) return i;
  return -1;
}
