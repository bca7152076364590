import { spawn } from 'node:child_process';

/** How long and how large one run of a renderer may get. */
export interface ToolLimits {
  /** Wall-clock time before the process is killed. */
  timeoutMs: number;
  /** Bytes of standard output before the process is killed. */
  maxOutputBytes: number;
  /** Go's soft memory limit (GOMEMLIMIT), in MiB; the address-space limit is a multiple of it. */
  memoryMb: number;
}

export const defaultToolLimits: ToolLimits = { timeoutMs: 30_000, maxOutputBytes: 32 * 1024 * 1024, memoryMb: 512 };

export type ToolResult =
  | { kind: 'ok'; stdout: string }
  | { kind: 'failed'; stderr: string }
  | { kind: 'timeout' }
  | { kind: 'too-large' };

/** Standard error kept for the message: the first bytes hold the cause. */
const maxStderrBytes = 64 * 1024;

/**
 * Runs a renderer as a child process: asynchronously (the App's event loop
 * goes on), in `cwd`, with exactly `env` (nothing of the App's environment
 * leaks in: no tokens, no kubeconfig), killed when it passes its time or
 * output budget. The address space is capped with `ulimit -v` where the shell
 * has it, so a chart that makes Helm allocate without end dies on its own.
 */
export function runTool(binary: string, args: readonly string[], options: { cwd: string; env: Record<string, string>; limits: ToolLimits }): Promise<ToolResult> {
  const { limits } = options;
  // Go reserves address space generously; eight times the soft limit leaves room for that and still bounds a runaway.
  const addressSpaceKb = limits.memoryMb * 8 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `ulimit -v ${addressSpaceKb} 2>/dev/null; exec "$0" "$@"`, binary, ...args], {
      cwd: options.cwd,
      env: { ...options.env, GOMEMLIMIT: `${limits.memoryMb}MiB` },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let verdict: ToolResult | undefined;
    const stop = (result: ToolResult) => {
      verdict ??= result;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => stop({ kind: 'timeout' }), limits.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > limits.maxOutputBytes) stop({ kind: 'too-large' });
      else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (errBytes < maxStderrBytes) stderr.push(chunk.subarray(0, maxStderrBytes - errBytes));
      errBytes += chunk.length;
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (verdict) resolve(verdict);
      else if (code === 0) resolve({ kind: 'ok', stdout: Buffer.concat(stdout).toString('utf8') });
      else resolve({ kind: 'failed', stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}
