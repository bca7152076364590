import { spawn, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const mainScript = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock milliseconds, including Node's start-up. */
  elapsed: number;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  stdin?: string | Uint8Array;
  /** Run as another user (tests of permission errors when the suite runs as root). */
  uid?: number;
  gid?: number;
  timeoutMs?: number;
}

/**
 * Runs `ladder` as users do, in a child process: the source through tsx,
 * so tests need no build. Colours are off, as they are in CI logs.
 */
export function runLadder(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const started = Date.now();
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', LADDER_DEBUG: undefined, ...options.env };
  const spawnOptions: SpawnOptions = { cwd: options.cwd ?? repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] };
  if (options.uid !== undefined) spawnOptions.uid = options.uid;
  if (options.gid !== undefined) spawnOptions.gid = options.gid;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsxLoader, mainScript, ...args], spawnOptions);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), elapsed: Date.now() - started });
    });
    child.stdin!.on('error', () => {}); // the CLI may exit without reading its input
    child.stdin!.end(options.stdin ?? '');
  });
}

/** A fixture path relative to the repository root, as a user would type it. */
export function fixture(...parts: string[]): string {
  return ['test', 'fixtures', 'cli', ...parts].join('/');
}
