import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// A guide in docs/ as a test reads it: its fenced blocks in order, each with the instruction in the
// HTML comment right above it (invisible on GitHub), or none:
//   (none), sh          run it, as written, in the guide's shell
//   test: stand-in X    the test does X's equivalent (a browser, a git push, a value only the reader has)
//   test: background until "T"   run it and keep it running until its output says T
//   test: output        what the block before printed, exactly
//   test: log           lines the running process logged, in this order (others may come between)
//   test: file P        the content of file P
//   test: in D          run it in directory D (a stand-in made it)
// Blocks without a comment that are not `sh` are not instructions (an error here: mark them).

export interface GuideBlock {
  /** 1-based line of the opening fence. */
  line: number;
  /** The heading the block is under. */
  section: string;
  language: string;
  text: string;
  instruction:
    | { kind: 'run' }
    | { kind: 'stand-in'; name: string }
    | { kind: 'background'; until: string }
    | { kind: 'output' }
    | { kind: 'log' }
    | { kind: 'file'; path: string }
    | { kind: 'in'; dir: string };
}

export function readGuide(file: URL): GuideBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: GuideBlock[] = [];
  let section = '';
  let comment: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('#')) section = line.replace(/^#+\s*/, '');
    const marker = /^<!-- test: (.+) -->$/.exec(line);
    if (marker) {
      comment = marker[1]!;
      continue;
    }
    const fence = /^```(\S*)$/.exec(line);
    if (!fence) {
      if (line.trim() !== '') comment = undefined;
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    const language = fence[1] ?? '';
    blocks.push({ line: start + 1, section, language, text: `${body.join('\n')}\n`, instruction: instructionOf(comment, language, start + 1) });
    comment = undefined;
  }
  return blocks;
}

function instructionOf(comment: string | undefined, language: string, line: number): GuideBlock['instruction'] {
  if (comment === undefined) {
    if (language === 'sh') return { kind: 'run' };
    throw new Error(`line ${line}: a \`${language || 'plain'}\` block without a test instruction (<!-- test: … -->)`);
  }
  let match: RegExpExecArray | null;
  if ((match = /^stand-in (\S+)$/.exec(comment))) return { kind: 'stand-in', name: match[1]! };
  if ((match = /^background until "(.+)"$/.exec(comment))) return { kind: 'background', until: match[1]! };
  if (comment === 'output') return { kind: 'output' };
  if (comment === 'log') return { kind: 'log' };
  if ((match = /^file (\S+)$/.exec(comment))) return { kind: 'file', path: match[1]! };
  if ((match = /^in (\S+)$/.exec(comment))) return { kind: 'in', dir: match[1]! };
  throw new Error(`line ${line}: unknown test instruction '${comment}'`);
}

// The reader's shell: one session in which the guide's blocks run in order.

export interface Shell {
  /** Runs a block in the guide's session; resolves with what it printed. (Never synchronously: the GitHub server it talks to runs in this process.) */
  run(text: string, cwd?: string): Promise<{ stdout: string; stderr: string; status: number | null }>;
  /** Starts a long-running block in the session. */
  background(text: string): Background;
  addExports(variables: Record<string, string>): Promise<void>;
  cwd(): Promise<string>;
}

export interface Background {
  output(): string;
  /** Ctrl-C: SIGINT to its process group; resolves when it ended. */
  interrupt(): Promise<void>;
}

export async function guideShell(workspace: string, env: Record<string, string>): Promise<Shell> {
  const state = join(workspace, 'session.sh');
  const where = join(workspace, 'session.cwd');
  await writeFile(state, '');
  await writeFile(where, workspace);
  const script = (text: string, save: boolean) =>
    `set -euo pipefail\n. ${state}\ncd "$(cat ${where})"\n${text}\n` + (save ? `{ export -p; declare -f; } > ${state}.new && mv ${state}.new ${state}\npwd > ${where}\n` : '');
  return {
    run(text, cwd) {
      const body = cwd ? `cd ${cwd}\n${text}` : text;
      const child = spawn('bash', ['-c', cwd ? `set -euo pipefail\n. ${state}\n${body}\n` : script(body, true)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
      return new Promise((resolve) =>
        child.on('close', (status) => {
          clearTimeout(timer);
          resolve({ stdout, stderr, status });
        }),
      );
    },
    background(text) {
      const child = spawn('bash', ['-c', script(text, false)], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const ended = new Promise<void>((resolve) => child.on('close', () => resolve()));
      return {
        output: () => output,
        interrupt: async () => {
          process.kill(-child.pid!, 'SIGINT');
          await ended;
        },
      };
    },
    async addExports(variables) {
      const lines = Object.entries(variables).map(([name, value]) => `export ${name}=${JSON.stringify(value)}\n`);
      await writeFile(state, (await readFile(state, 'utf8')) + lines.join(''));
    },
    cwd: async () => (await readFile(where, 'utf8')).trim(),
  };
}

/** The log's messages in the readable format (`INFO: text`), field lines and request lines left out. */
export function messages(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => /^[A-Z]+(?: \(\w+\))?: /.test(line) && !line.startsWith('INFO (http): '))
    .map((line) => line.replace(/^[A-Z]+(?: \(\w+\))?: /, ''));
}
