// The agent benchmark's peer: `kubectl apply --server-side` of the same objects
// into a fresh namespace of the same API server, timed as a process (start-up,
// discovery and every request included), once to create them and once more
// when nothing changed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { runWithChildCpu } from './cpu-time.js';

export interface KubectlRun {
  ms: number;
  /** Objects kubectl reported: `created`/`serverside-applied` lines. */
  lines: number;
  /** kubectl's own CPU time. */
  cpuMs: number;
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

export async function runKubectl(binary: string, args: string[]): Promise<KubectlRun> {
  const run = await runWithChildCpu(binary, args);
  return { ms: run.ms, cpuMs: run.cpuMs, lines: run.stdout.split('\n').filter((l) => / (serverside-applied|created|configured|unchanged)$/.test(l)).length };
}
