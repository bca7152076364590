import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ControlPlaneBinaries {
  etcd: string;
  kubeApiserver: string;
}

/** Where build-binaries.sh puts its output; keep in step with that script. */
export function getBinDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.LADDER_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ladder');
  return join(cache, 'bin');
}

/**
 * Finds the pinned etcd and kube-apiserver built by test/bed/build-binaries.sh.
 * They are never looked up on PATH: a different version there would make test
 * results depend on the machine.
 */
export function findControlPlaneBinaries(env: NodeJS.ProcessEnv = process.env): ControlPlaneBinaries {
  const bin = getBinDir(env);
  const found = { etcd: join(bin, 'etcd'), kubeApiserver: join(bin, 'kube-apiserver') };
  const missing = Object.values(found).filter((path) => !isExecutable(path));
  if (missing.length > 0) {
    throw new Error(
      `control-plane binaries not found: ${missing.join(', ')}\n` +
        'Build them once (a few minutes; cached afterwards) with:\n' +
        '  bash test/bed/build-binaries.sh control-plane\n' +
        '(LADDER_CACHE_DIR changes where they are looked for.)',
    );
  }
  return found;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
