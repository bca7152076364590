import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ControlPlaneBinaries } from './binaries.js';
import { readLogTail } from './log-tail.js';
import type { ClusterPki } from './pki.js';
import { reserveLoopbackPorts } from './ports.js';
import { waitUntilReady } from './readiness.js';
import { spawnWatched, type WatchedProcess } from './watched-process.js';

export interface LaunchSpec {
  dir: string;
  pki: ClusterPki;
  binaries: ControlPlaneBinaries;
  timeoutMs: number;
  apiServerArgs: string[];
  /** Called with each process as soon as it exists, so the caller can kill it on exit. */
  onSpawn: (process: WatchedProcess) => void;
}

export interface Launched {
  server: string;
  etcd: WatchedProcess;
  apiServer: WatchedProcess;
}

const ATTEMPTS = 3;
const PORT_TAKEN = /address already in use/;

/**
 * Starts etcd and kube-apiserver and waits until the API server is ready.
 * Free ports are only reserved, not held, so a concurrent test process can win
 * a race for one; that attempt is thrown away and retried with new ports.
 */
export async function launchControlPlane(spec: LaunchSpec): Promise<Launched> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnce(spec, attempt);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= ATTEMPTS) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function launchOnce(spec: LaunchSpec, attempt: number): Promise<Launched> {
  const { dir, pki, binaries } = spec;
  const [etcdClientPort, etcdPeerPort, apiPort] = (await reserveLoopbackPorts(3)) as [number, number, number];
  const etcdUrl = `http://127.0.0.1:${etcdClientPort}`;
  const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
  const server = `https://127.0.0.1:${apiPort}`;
  const suffix = attempt === 1 ? '' : `-attempt${attempt}`;

  // Both start at once: the API server retries etcd until it answers, which is
  // quicker than waiting for etcd first.
  const etcd = spawnWatched('etcd', binaries.etcd, [
    '--name=ladder-test',
    `--data-dir=${join(dir, `etcd-data${suffix}`)}`,
    `--listen-client-urls=${etcdUrl}`,
    `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=ladder-test=${peerUrl}`,
    // Throwaway data: durability only costs time.
    '--unsafe-no-fsync',
    '--log-level=warn',
  ], join(dir, `etcd${suffix}.log`));
  spec.onSpawn(etcd);
  const apiServer = spawnWatched('kube-apiserver', binaries.kubeApiserver, [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--client-ca-file=${pki.caCert}`,
    // RBAC only: the agent's least-privilege Roles must be tested for real.
    '--authorization-mode=RBAC',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    // The `kubernetes` Service's endpoints would be 127.0.0.1, which the API
    // rejects (loopback), filling the log with errors; nothing here needs them.
    '--endpoint-reconciler-type=none',
    ...spec.apiServerArgs,
  ], join(dir, `kube-apiserver${suffix}.log`));
  spec.onSpawn(apiServer);

  const abort = new AbortController();
  const watchExit = (process: WatchedProcess) =>
    process.exited.then((status) => abort.abort(new Error(`${process.name} exited during start (${status.signal ?? `code ${status.code}`})`)));
  void watchExit(etcd);
  void watchExit(apiServer);

  const tls = {
    ca: await readFile(pki.caCert, 'utf8'),
    cert: await readFile(pki.adminCert, 'utf8'),
    key: await readFile(pki.adminKey, 'utf8'),
  };
  try {
    await waitUntilReady([`${server}/readyz`, `${server}/api/v1/namespaces/default`], tls, Date.now() + spec.timeoutMs, abort.signal);
    return { server, etcd, apiServer };
  } catch (error) {
    await Promise.all([apiServer.kill(), etcd.kill()]);
    const [etcdLog, apiLog] = await Promise.all([readLogTail(etcd.logPath), readLogTail(apiServer.logPath)]);
    if (PORT_TAKEN.test(etcdLog) || PORT_TAKEN.test(apiLog)) throw new PortTakenError('port taken');
    throw new Error(
      `test control plane did not start: ${(error as Error).message}\n` +
        `--- ${etcd.logPath} (last lines) ---\n${etcdLog}\n` +
        `--- ${apiServer.logPath} (last lines) ---\n${apiLog}`,
      { cause: error },
    );
  }
}
