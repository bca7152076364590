import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const mainScript = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

export interface LadderProcess {
  child: ChildProcess;
  /** The exit code, or null when a signal ended it. */
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/**
 * Runs `ladder <args>` as its own process (the CLI's TypeScript through tsx),
 * with only PATH and NODE_OPTIONS of the test's environment plus `env`: what
 * the process reads is exactly what the test gives it. `cwd` is where it
 * finds (and `ladder app`'s setup writes) `.env`.
 */
export function runLadder(args: readonly string[], env: Record<string, string | undefined>, options: { cwd?: string } = {}): LadderProcess {
  const child = spawn(process.execPath, ['--import', tsxLoader, mainScript, ...args], {
    env: { PATH: process.env.PATH, NODE_OPTIONS: process.env.NODE_OPTIONS, ...env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // 'close', not 'exit': every byte the process wrote has been read by then.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}
