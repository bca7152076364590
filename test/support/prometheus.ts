import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getBinDir } from '../bed/kube/binaries.js';
import { onProcessExit } from '../bed/kube/exit-hooks.js';
import { reserveLoopbackPorts } from '../bed/kube/ports.js';
import { eventually } from './agent/log.js';

// A real Prometheus (built from its Go module by test/bed/build-binaries.sh)
// scraping targets on loopback every second, queried through its HTTP API.

export interface Prometheus {
  url: string;
  /** An instant PromQL query; each result's labels and value. */
  query(promql: string): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  /** The scrape targets as Prometheus sees them: health and the last scrape's error. */
  targets(): Promise<Array<{ scrapeUrl: string; health: string; lastError: string }>>;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: Record<string, string[]>): Promise<Prometheus> {
  const binary = join(getBinDir(), 'prometheus');
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(`prometheus not found at ${binary}; build it once with: bash test/bed/build-binaries.sh prometheus`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'ladder-prometheus-'));
  const config = [
    'global: { scrape_interval: 1s, scrape_timeout: 900ms, evaluation_interval: 1s }',
    'scrape_configs:',
    ...Object.entries(targets).map(([job, hosts]) => `  - { job_name: ${job}, static_configs: [{ targets: [${hosts.map((h) => `'${h}'`).join(', ')}] }] }`),
    '',
  ].join('\n');
  await writeFile(join(dir, 'prometheus.yml'), config);
  const [port] = (await reserveLoopbackPorts(1)) as [number];
  const child = spawn(binary, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const removeExitHook = onProcessExit(() => child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    removeExitHook();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await eventually(() => fetch(`${url}/-/ready`).then((r) => r.status === 200, () => false), 'Prometheus to be ready', 30_000, 100);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  const api = async <T>(path: string): Promise<T> => {
    const body = (await (await fetch(`${url}${path}`)).json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    query: async (promql) => {
      const data = await api<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(`/api/v1/query?query=${encodeURIComponent(promql)}`);
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    targets: async () => (await api<{ activeTargets: Array<{ scrapeUrl: string; health: string; lastError: string }> }>('/api/v1/targets')).activeTargets,
    stop,
  };
}
