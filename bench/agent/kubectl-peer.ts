// The agent benchmark's peer: `kubectl apply --server-side` of the same objects
// into a fresh namespace of the same API server, timed as a process (start-up,
// discovery and every request included), once to create them and once more
// when nothing changed.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface KubectlRun {
  ms: number;
  /** Objects kubectl reported: `created`/`serverside-applied` lines. */
  lines: number;
}

/** Builds kubectl (cached) with test/bed/build-binaries.sh and returns its path. */
export function buildKubectl(root: string): string {
  execFileSync('bash', [join(root, 'test/bed/build-binaries.sh'), 'kubectl'], { stdio: 'inherit' });
  const cache = process.env.LADDER_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ladder');
  return join(cache, 'bin', 'kubectl');
}

/** Writes the manifest files (paths as in the branch) under `dir`; kubectl reads the directory recursively. */
export function writeManifestDir(dir: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

export function kubectlApplyArgs(kubeconfig: string, namespace: string, dir: string, cacheDir: string): string[] {
  return ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir, 'apply', '--server-side', '--field-manager=kubectl-bench', '-n', namespace, '-R', '-f', dir];
}

export function runKubectl(binary: string, args: string[]): Promise<KubectlRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`kubectl exited ${code}: ${stderr.slice(-2000)}`));
      resolve({ ms: Math.round(ms), lines: stdout.split('\n').filter((l) => / (serverside-applied|created|configured|unchanged)$/.test(l)).length });
    });
  });
}
