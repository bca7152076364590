// The test bed must never leave etcd or kube-apiserver running, however the
// test process ends, and must say what went wrong when a start fails.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CoreV1Api } from '@kubernetes/client-node';
import { startControlPlane } from '../../bed/kube/control-plane.js';
import { findProcessesMentioning, waitForNoProcessesMentioning } from '../../bed/kube/processes.js';
import { removeStaleRunDirs, RUN_DIR_PREFIX } from '../../bed/kube/stale-dirs.js';

const bed = fileURLToPath(new URL('../../bed/kube/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'ladder-kube-lifecycle-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// The watchdog gives a child 5 s after SIGTERM before SIGKILL; allow for a busy machine.
const CLEANUP_TIMEOUT_MS = 15_000;

/** Runs a script under tsx and resolves with the directory its control plane reports. */
async function startHelper(script: string, args: string[], dirFrom: (line: string) => string | undefined) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(bed, script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LADDER_TEST_KUBECONFIG: '' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  for await (const line of createInterface({ input: child.stdout })) {
    const dir = dirFrom(line);
    if (dir) return { child, dir, exited, stderr: () => stderr };
  }
  throw new Error(`${script} ended before its control plane was up:\n${stderr}`);
}

/** If a test fails, do not let its failure leave processes behind for the next ones. */
async function killLeftovers(dir: string) {
  for (const entry of await findProcessesMentioning(dir)) {
    try {
      process.kill(entry.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function assertRunning(dir: string) {
  const running = await findProcessesMentioning(dir);
  // Positive control, so "nothing left" below cannot pass by looking in the wrong place.
  assert.ok(running.some((p) => /\/kube-apiserver /.test(p.args)), `kube-apiserver runs for ${dir}`);
  assert.ok(running.some((p) => /\/etcd /.test(p.args)), `etcd runs for ${dir}`);
}

describe('cleanup when the test process ends without stop()', { concurrency: true }, () => {
  test('SIGKILL: the watchdogs stop etcd and kube-apiserver', async () => {
    const dir = join(scratch, 'killed');
    const helper = await startHelper('serve.ts', ['--dir', dir], (line) => (line.includes('export KUBECONFIG=') ? dir : undefined));
    try {
      await assertRunning(dir);
      helper.child.kill('SIGKILL');
      assert.equal((await helper.exited).signal, 'SIGKILL');
      assert.deepEqual(await waitForNoProcessesMentioning(dir, CLEANUP_TIMEOUT_MS), []);
    } finally {
      await killLeftovers(dir);
    }
  });

  test('SIGTERM: the exit hook stops everything, removes the directory and the process still dies of SIGTERM', async () => {
    const helper = await startHelper('hold-control-plane.ts', ['wait'], (line) => (line.startsWith('{') ? JSON.parse(line).dir : undefined));
    try {
      await assertRunning(helper.dir);
      helper.child.kill('SIGTERM');
      assert.equal((await helper.exited).signal, 'SIGTERM');
      assert.deepEqual(await waitForNoProcessesMentioning(helper.dir, CLEANUP_TIMEOUT_MS), []);
      assert.equal(existsSync(helper.dir), false);
    } finally {
      await killLeftovers(helper.dir);
    }
  });

  test('uncaught exception: the exit hook stops everything and removes the directory', async () => {
    const helper = await startHelper('hold-control-plane.ts', ['throw'], (line) => (line.startsWith('{') ? JSON.parse(line).dir : undefined));
    try {
      const status = await helper.exited;
      assert.equal(status.code, 1);
      assert.match(helper.stderr(), /deliberate uncaught exception/);
      assert.deepEqual(await waitForNoProcessesMentioning(helper.dir, CLEANUP_TIMEOUT_MS), []);
      assert.equal(existsSync(helper.dir), false);
    } finally {
      await killLeftovers(helper.dir);
    }
  });
});

describe('failures say what to do', () => {
  test('a start that fails shows the tail of the kube-apiserver log and leaves nothing running', async () => {
    const dir = join(scratch, 'bad-flag');
    await assert.rejects(startControlPlane({ reuse: false, dir, apiServerArgs: ['--no-such-flag=1'] }), (error: Error) => {
      assert.match(error.message, /kube-apiserver exited during start/);
      assert.match(error.message, /kube-apiserver\.log \(last lines\)/);
      assert.match(error.message, /unknown flag: --no-such-flag/);
      return true;
    });
    assert.deepEqual(await findProcessesMentioning(dir), []);
    assert.equal(existsSync(dir), false);
  });

  test('missing binaries name the command that builds them', async () => {
    await assert.rejects(startControlPlane({ env: { LADDER_CACHE_DIR: join(scratch, 'empty-cache') } }), /bash test\/bed\/build-binaries\.sh control-plane/);
  });

  test('an unreachable LADDER_TEST_KUBECONFIG cluster points at serve.ts', async () => {
    const path = join(scratch, 'nowhere.kubeconfig');
    const config = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1" } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: c, context: { cluster: c, user: u } }]
current-context: c
`;
    writeFileSync(path, config);
    await assert.rejects(startControlPlane({ env: { LADDER_TEST_KUBECONFIG: path } }), /does not answer.*serve\.ts/s);
  });
});

test('LADDER_TEST_KUBECONFIG: tests reuse a running control plane and stop() leaves it running', async () => {
  const owner = await startControlPlane({ reuse: false });
  try {
    const guest = await startControlPlane({ env: { LADDER_TEST_KUBECONFIG: owner.kubeconfigPath } });
    assert.equal(guest.reused, true);
    assert.equal(guest.server, owner.server);
    assert.deepEqual(guest.processes, []);
    const namespace = await guest.newNamespace('reuse');
    // The owner sees what the guest made: it is the same cluster.
    const seen = await owner.kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name: namespace });
    assert.equal(seen.metadata?.name, namespace);
    // The CA next to the kubeconfig lets guests issue user certificates too.
    const user = await guest.kubeConfigForUser('bob');
    assert.equal(user.getCurrentUser()?.name, 'bob');

    await guest.stop();
    const still = await owner.kubeConfig.makeApiClient(CoreV1Api).readNamespace({ name: 'default' });
    assert.equal(still.metadata?.name, 'default');
  } finally {
    await owner.stop();
  }
});

test('run directories of dead test processes are removed, live ones kept', () => {
  const parent = join(scratch, 'sweep');
  const dead = spawnSync(process.execPath, ['-e', '']).pid;
  assert.ok(dead);
  const stale = join(parent, `${RUN_DIR_PREFIX}${dead}-abc123`);
  const live = join(parent, `${RUN_DIR_PREFIX}${process.pid}-def456`);
  const unrelated = join(parent, `${RUN_DIR_PREFIX}serve`);
  for (const dir of [stale, live, unrelated]) mkdirSync(dir, { recursive: true });

  removeStaleRunDirs(parent);
  assert.equal(existsSync(stale), false);
  assert.equal(existsSync(live), true);
  assert.equal(existsSync(unrelated), true);
});
