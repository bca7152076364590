import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GitHubServer } from '../bed/github/index.js';
import type { AppProcessRequest, AppProcessSettings, AppProcessStats } from './app-process/protocol.js';

const mainScript = fileURLToPath(new URL('./app-process/main.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

export interface AppProcess {
  /** Its webhook URL (the bed's webhooks are pointed at it). */
  url: string;
  /** Everything it logged, as pino JSON lines. */
  logs: string[];
  stats(): Promise<AppProcessStats>;
  /** Starts the event-loop measurement afresh. */
  resetStats(): Promise<AppProcessStats>;
  /** Webhooks delivered and the App's queue empty, until both stay quiet. */
  settled(): Promise<void>;
  /** Answers once the App's start-up compile of the default schema version is done. */
  schemasReady(): Promise<AppProcessStats>;
  stop(): Promise<void>;
}

/**
 * The Ladder App in a child process against the in-process GitHub bed: for
 * tests that measure the App (event-loop pauses, peak memory), which the
 * bed's git processes and buffers would otherwise be counted with.
 */
export async function startAppProcess(github: GitHubServer, options: Pick<AppProcessSettings, 'render'> = {}): Promise<AppProcess> {
  const settings: AppProcessSettings = { githubUrl: github.url, appId: github.app.id, privateKey: github.app.privateKey, webhookSecret: github.app.webhookSecret, ...options };
  const child: ChildProcess = fork(mainScript, [], {
    execArgv: ['--import', tsxLoader],
    env: { ...process.env, LADDER_TEST_APP: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const logs: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    logs.push(...lines.filter(Boolean));
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const waiting = new Map<number, (reply: { stats: AppProcessStats; url?: string }) => void>();
  child.on('message', (reply: { id: number; stats: AppProcessStats; url?: string }) => waiting.get(reply.id)?.(reply));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ids = 0;
  const ask = (type: AppProcessRequest['type']): Promise<{ stats: AppProcessStats; url?: string }> =>
    new Promise((resolve, reject) => {
      const id = ++ids;
      waiting.set(id, resolve);
      child.send({ id, type } satisfies AppProcessRequest);
      void exited.then(() => reject(new Error(`the App process exited:\n${stderr}`)));
    });
  const started = await Promise.race([
    new Promise<{ url?: string }>((resolve) => waiting.set(0, resolve)),
    exited.then(() => Promise.reject(new Error(`the App process exited before it listened:\n${stderr}`))),
  ]);
  const url = started.url!;
  github.webhooks.url = url;
  return {
    url,
    logs,
    stats: async () => (await ask('stats')).stats,
    resetStats: async () => (await ask('reset')).stats,
    schemasReady: async () => (await ask('schemas')).stats,
    async settled() {
      for (;;) {
        const deliveries = github.webhooks.deliveries.length;
        await github.webhooks.settled();
        const { stats } = await ask('idle');
        if (github.webhooks.deliveries.length === deliveries && stats.queued === 0) {
          await github.webhooks.settled();
          if (github.webhooks.deliveries.length === deliveries && (await ask('idle')).stats.queued === 0) return;
        }
      }
    },
    async stop() {
      if (child.exitCode === null) child.send({ id: ++ids, type: 'stop' } satisfies AppProcessRequest);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
