import { spawn } from 'node:child_process';

/** A git invocation that exited non-zero; `code` lets callers tell "conflict" (1) from real failures. */
export class GitCommandError extends Error {
  override readonly name = 'GitCommandError';
  constructor(
    readonly args: readonly string[],
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} exited ${code}: ${stderr.trim() || stdout.trim()}`);
  }
}

export interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (merge-tree: 1 = conflicts). */
  okCodes?: number[];
}

export interface RunResult {
  stdout: Buffer;
  code: number;
}

// The test machine's own git configuration (init.defaultBranch, hooks, signing,
// templates) must not leak into the objects the server writes, or the same test
// would produce different commits on different machines.
const isolatedEnv: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
};

/** The environment every git process of the server runs with. */
export function gitEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...isolatedEnv, ...extra };
}

export function runGit(gitDir: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const fullArgs = ['--git-dir', gitDir, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn('git', fullArgs, {
      env: gitEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out);
      if (code === 0 || (code !== null && options.okCodes?.includes(code))) {
        resolve({ stdout, code: code ?? 0 });
        return;
      }
      reject(new GitCommandError(args, code, stdout.toString('utf8'), Buffer.concat(err).toString('utf8')));
    });
    // A closed stdin (EPIPE) is fine for commands that do not read it.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export async function gitText(gitDir: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  return (await runGit(gitDir, args, options)).stdout.toString('utf8');
}
