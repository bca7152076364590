import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Run directories are named `<prefix><owner pid>-<random>`. */
export const RUN_DIR_PREFIX = 'ladder-kube-';

/**
 * A test process that was SIGKILLed had no chance to delete its run directory
 * (its processes are stopped by their watchdogs). Removes such directories,
 * recognised by an owner pid that no longer runs, so etcd data does not pile
 * up in the temp dir.
 */
export function removeStaleRunDirs(parent: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return;
  }
  for (const entry of entries) {
    const owner = new RegExp(`^${RUN_DIR_PREFIX}(\\d+)-`).exec(entry)?.[1];
    if (owner && !isRunning(Number(owner))) rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
