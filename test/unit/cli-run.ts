import { spawn, type SpawnOptions } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const mainScript = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');
const testCacheDir = process.env['LADDER_CACHE_DIR'] ?? join(tmpdir(), `ladder-test-cache-${process.getuid?.() ?? 'user'}`);
const peakRssPreload = import.meta.resolve('../support/peak-rss.mjs');
let measured = 0;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock milliseconds, including Node's start-up. */
  elapsed: number;
  /** With `measure`: the process's peak resident memory in MiB (getrusage), start-up and tsx included. */
  peakRssMiB?: number;
  /**
   * With `measure`: the CPU time the process used (user + system), in ms: the work an input costs,
   * which, unlike wall time, does not grow when other processes compete for the cores.
   */
  cpuMs?: number;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  stdin?: string | Uint8Array;
  /**
   * Take away root's power to read any file (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), so tests of
   * permission errors mean the same when the suite runs as root. The CLI stays uid 0, so it can
   * still load the checkout's modules from a directory only root may traverse (a 0700 home, a
   * `mktemp -d` folder), which running it as another user could not.
   */
  withoutReadOverride?: boolean;
  timeoutMs?: number;
  /** Measure the process's peak resident memory (see test/support/peak-rss.mjs). */
  measure?: boolean;
}

/**
 * Runs `ladder` as users do, in a child process: the source through tsx,
 * so tests need no build. Colours are off, as they are in CI logs.
 */
export function runLadder(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const started = Date.now();
  // The CLI's caches (compiled modules and validators) go to a directory of the test suite's, not the user's.
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', LADDER_DEBUG: undefined, LADDER_CACHE_DIR: testCacheDir, ...options.env };
  const spawnOptions: SpawnOptions = { cwd: options.cwd ?? repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] };
  const peakFile = options.measure ? join(tmpdir(), `ladder-peak-rss-${process.pid}-${++measured}`) : undefined;
  if (peakFile) env['LADDER_PEAK_RSS_FILE'] = peakFile;
  const command = [process.execPath, '--import', tsxLoader, ...(peakFile ? ['--import', peakRssPreload] : []), mainScript, ...args];
  if (options.withoutReadOverride && process.getuid?.() === 0) command.unshift(...dropReadOverride);
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), spawnOptions);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const result: CliResult = { code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), elapsed: Date.now() - started };
      if (peakFile) {
        try {
          const usage = JSON.parse(readFileSync(peakFile, 'utf8')) as { maxRssKiB: number; cpuMicros: number };
          result.peakRssMiB = usage.maxRssKiB / 1024;
          result.cpuMs = usage.cpuMicros / 1000;
          rmSync(peakFile, { force: true });
        } catch {
          // No number: the process died before exiting normally; the test's assertion on it fails.
        }
      }
      resolve(result);
    });
    child.stdin!.on('error', () => {}); // the CLI may exit without reading its input
    child.stdin!.end(options.stdin ?? '');
  });
}

/** util-linux's setpriv: drop the capabilities from the bounding set too, so the exec'd node cannot regain them. */
const dropReadOverride = ['setpriv', '--inh-caps=-dac_override,-dac_read_search', '--bounding-set=-dac_override,-dac_read_search', '--'];

/** A fixture path relative to the repository root, as a user would type it. */
export function fixture(...parts: string[]): string {
  return ['test', 'fixtures', 'cli', ...parts].join('/');
}
