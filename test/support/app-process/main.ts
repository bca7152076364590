import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { createNodeMiddleware, Probot } from 'probot';
import { ladderOctokit } from '../../../src/adapters/github/probot-octokit.js';
import { composeApp, createAppDeps, registerLadderApp } from '../../../src/app/index.js';
import type { AppProcessRequest, AppProcessSettings, AppProcessStats } from './protocol.js';

// The Ladder App alone in a process of its own, composed as the in-process
// harness composes it, so that what a test measures of it (event-loop
// pauses, peak memory) is the App's and not the GitHub bed's beside it.
// Driven over the IPC channel of `fork` (see ../app-process.ts).

const settings = JSON.parse(process.env['LADDER_TEST_APP'] ?? '{}') as AppProcessSettings;
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
// Beside the histogram's wall-clock pauses, what the App's own thread spent in the longest of them: on a machine
// whose cores are shared with other processes, a pause is the App's work plus the time the OS gave to others.
const tick = { wallAt: performance.now(), cpuAt: threadCpuMs(), longest: { wallMs: 0, cpuMs: 0 }, busiest: 0 };
setInterval(() => {
  const wallAt = performance.now();
  const cpuAt = threadCpuMs();
  const wallMs = wallAt - tick.wallAt - 10;
  const cpuMs = cpuAt - tick.cpuAt;
  if (wallMs > tick.longest.wallMs) tick.longest = { wallMs, cpuMs };
  tick.busiest = Math.max(tick.busiest, cpuMs);
  Object.assign(tick, { wallAt, cpuAt });
}, 10).unref();
function threadCpuMs(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
}
const log = pino({ level: 'debug' }, process.stdout);
const deps = createAppDeps({ log, retry: { secondaryLimitRetries: 3, retryAfterUnitMs: 5 }, ...(settings.render ? { render: settings.render } : {}) });
const probot = new Probot({
  appId: settings.appId,
  privateKey: settings.privateKey,
  secret: settings.webhookSecret,
  baseUrl: settings.githubUrl,
  log,
  Octokit: ladderOctokit({ retryBaseMs: 5, retries: 3, retryAfterUnitMs: 5, writeSpacingMs: 0 }),
});
const services = composeApp(deps, probot);
const middleware = await createNodeMiddleware((app, options) => registerLadderApp(app, services, options), { probot });
const server = createServer((request, response) => void middleware(request, response));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

const stats = (): AppProcessStats => ({
  eventLoopMaxMs: delay.max / 1e6,
  longestPause: tick.longest,
  busiestTickCpuMs: tick.busiest,
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
  queued: deps.queue.size(),
});
process.on('message', (message: AppProcessRequest) => {
  void (async () => {
    if (message.type === 'schemas') await services.schemas.compilersFor();
    if (message.type === 'idle') await deps.queue.idle();
    if (message.type === 'reset') {
      delay.reset();
      tick.longest = { wallMs: 0, cpuMs: 0 };
      tick.busiest = 0;
    }
    if (message.type === 'stop') {
      await services.renderer.close();
      server.closeAllConnections();
      server.close(() => process.exit(0));
      return;
    }
    process.send!({ id: message.id, stats: stats() });
  })();
});
process.send!({ id: 0, url: `http://127.0.0.1:${port}/api/github/webhooks`, stats: stats() });
