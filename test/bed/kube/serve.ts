// Keeps a test control plane running for debugging:
//   node --import tsx test/bed/kube/serve.ts [--dir DIR]
// prints `export KUBECONFIG=...` (for kubectl) and `export
// LADDER_TEST_KUBECONFIG=...` (test files then use this cluster instead of
// starting their own) and runs until Ctrl-C.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startControlPlane } from './control-plane.js';

const { values } = parseArgs({ options: { dir: { type: 'string' } } });
const dir = resolve(values.dir ?? join(tmpdir(), 'ladder-kube-serve'));
const pidFile = join(dir, 'serve.pid');

const previous = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
if (previous && isRunning(previous)) {
  console.error(`serve.ts is already running (pid ${previous}) in ${dir}:\n  export KUBECONFIG=${join(dir, 'kubeconfig')}`);
  process.exit(1);
}
// What a killed earlier run left behind; its processes died with it.
rmSync(dir, { recursive: true, force: true });

const controlPlane = await startControlPlane({ reuse: false, dir });
writeFileSync(pidFile, String(process.pid));
console.log(`kube-apiserver ready in ${(controlPlane.startMs / 1000).toFixed(1)}s at ${controlPlane.server}
  export KUBECONFIG=${controlPlane.kubeconfigPath}
  export LADDER_TEST_KUBECONFIG=${controlPlane.kubeconfigPath}
logs: ${controlPlane.processes.map((p) => p.logPath).join(' ')}
Ctrl-C stops it and deletes ${dir}.`);

// Nothing else keeps the event loop alive: the children are unref'd so tests
// can exit without stop().
const keepAlive = setInterval(() => {}, 1 << 30);
let stopping = false;
for (const child of controlPlane.processes) {
  void child.exited.then((status) => {
    if (stopping) return;
    console.error(`${child.name} exited (${status.signal ?? `code ${status.code}`}); see ${child.logPath}`);
    process.exitCode = 1;
    clearInterval(keepAlive);
    void controlPlane.stop();
  });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopping = true;
    console.error(`\n${signal}: stopping`);
    clearInterval(keepAlive);
    void controlPlane.stop();
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
