import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { createAccess, type ControlPlaneAccess } from './access.js';
import { aggregateClusterRoles } from './aggregate-cluster-roles.js';
import { findControlPlaneBinaries } from './binaries.js';
import { onProcessExit } from './exit-hooks.js';
import { buildKubeConfig, writeKubeConfigFile } from './kubeconfig.js';
import { launchControlPlane } from './launch.js';
import { ADMIN_IDENTITY, createClusterPki } from './pki.js';
import { connectToRunningControlPlane } from './reuse.js';
import { removeStaleRunDirs, RUN_DIR_PREFIX } from './stale-dirs.js';
import type { ExitStatus, WatchedProcess } from './watched-process.js';

export interface ControlPlaneOptions {
  /** Use the cluster named by LADDER_TEST_KUBECONFIG when it is set. Default true. */
  reuse?: boolean;
  /** Working directory (certificates, etcd data, logs, kubeconfig). Default: a new temp dir. */
  dir?: string;
  /** Leave `dir` in place on stop(), e.g. to read the logs. Default false. */
  keepDir?: boolean;
  /** Give up starting after this long. Default 60 s (a loaded 2-core machine needs ~5 s). */
  startTimeoutMs?: number;
  /** Extra kube-apiserver flags, e.g. `--feature-gates=...`. */
  apiServerArgs?: string[];
  /** Where LADDER_TEST_KUBECONFIG and LADDER_CACHE_DIR are read from. Default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface ControlPlaneProcess {
  name: string;
  /** Process group id: the watchdog and the etcd/kube-apiserver it runs. */
  pid: number;
  logPath: string;
  /** Settles when the process has exited; during a test that means it crashed. */
  exited: Promise<ExitStatus>;
}

/** A real kube-apiserver + etcd for tests, and an administrator's way in. */
export interface ControlPlane extends ControlPlaneAccess {
  /** Administrator (system:masters) access; RBAC does not apply to it. */
  readonly kubeConfig: KubeConfig;
  readonly kubeconfigPath: string;
  /** `https://127.0.0.1:<port>` */
  readonly server: string;
  /** Working directory; for a reused cluster, the directory of its kubeconfig. */
  readonly dir: string;
  /** True when LADDER_TEST_KUBECONFIG's cluster is used instead of one of our own. */
  readonly reused: boolean;
  /** Milliseconds from the call to a ready API server. */
  readonly startMs: number;
  /** Empty for a reused cluster. */
  readonly processes: readonly ControlPlaneProcess[];
  /** Stops our processes and removes `dir`; for a reused cluster, does nothing. */
  stop(): Promise<void>;
}

/**
 * Starts etcd and kube-apiserver on free 127.0.0.1 ports, with fresh
 * certificates, RBAC authorization and service-account tokens, and resolves
 * once the API server is ready. Everything is stopped by stop(), and also when
 * this process exits, crashes or is killed (see watchdog.sh).
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const shared = env.LADDER_TEST_KUBECONFIG;
  if (shared && options.reuse !== false) return connectToRunningControlPlane(shared, started);

  const binaries = findControlPlaneBinaries(env);
  removeStaleRunDirs(tmpdir());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${process.pid}-`));
  await mkdir(dir, { recursive: true });
  const processes: WatchedProcess[] = [];
  const killAll = () => {
    for (const child of processes) child.killNow();
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
  };
  const removeExitHooks = onProcessExit(killAll);

  try {
    const pki = await createClusterPki(join(dir, 'pki'));
    const { server, etcd, apiServer } = await launchControlPlane({
      dir,
      pki,
      binaries,
      timeoutMs: options.startTimeoutMs ?? 60_000,
      apiServerArgs: options.apiServerArgs ?? [],
      onSpawn: (child) => processes.push(child),
    });
    const caPem = await readFile(pki.caCert, 'utf8');
    const kubeConfig = buildKubeConfig({
      server,
      caPem,
      userName: ADMIN_IDENTITY.user,
      credentials: { certPem: await readFile(pki.adminCert, 'utf8'), keyPem: await readFile(pki.adminKey, 'utf8') },
    });
    await aggregateClusterRoles(kubeConfig);
    const kubeconfigPath = join(dir, 'kubeconfig');
    await writeKubeConfigFile(kubeconfigPath, kubeConfig);

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        // The API server first: without etcd it would spend its shutdown retrying.
        await apiServer.kill();
        await etcd.kill();
        removeExitHooks();
        if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
      })());
    return {
      kubeConfig,
      kubeconfigPath,
      server,
      dir,
      reused: false,
      startMs: Date.now() - started,
      processes: [etcd, apiServer].map(({ name, pid, logPath, exited }) => ({ name, pid, logPath, exited })),
      stop,
      ...createAccess({ admin: kubeConfig, server, caPem, pkiDir: pki.dir }),
    };
  } catch (error) {
    await Promise.all(processes.map((child) => child.kill()));
    removeExitHooks();
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
