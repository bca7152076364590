// The agent benchmark's summary: one table per concern, and the targets of issue 16 checked.
import type { CpuMs } from './cpu-time.js';
import type { InFlightSummary } from './in-flight.js';
import type { PhasePeak } from './memory.js';
import { median, type ApplyFigures } from './ladder-run.js';

export interface SizeResult {
  objects: number;
  ladder: {
    fullMs: number;
    reapplyMs: number;
    requestsPerObject: number;
    /** The worst of the runs: the targets are zero dry-runs and zero writes. */
    reapply: { dryRuns: number; writes: number; requests: number };
    runs: { full: ApplyFigures[]; reapply: ApplyFigures[] };
  };
  kubectl?: { fullMs: number; noopMs: number; runs: { full: number[]; noop: number[] } };
  driftToSlackMs: { p50: number; p95: number; max: number; edits: number };
  idlePerMinute: { kube: number; github: number };
  peakRssMb: number;
  peakRssAfterApplyMb: number;
  rssIdleMb: number;
  /** The first run's memory per step (bench/agent/memory.ts). */
  memory?: PhasePeak[];
  /** CPU time of each side's full apply (median of the runs, each field on its own). */
  cpuMs?: { ladder: CpuMs; kubectl?: CpuMs; runs: { ladder: CpuMs[]; kubectl: CpuMs[] } };
  /** The agent's 429s from the API server during each full apply. */
  throttled?: number[];
  /** The agent's requests in flight during each full apply (bench/agent/in-flight.ts). */
  inFlight?: InFlightSummary[];
  /** 1-minute load average when each run began. */
  loadAverage: number[];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ratio = (a: number, b: number | undefined) => (b ? (a / b).toFixed(2) : '–');

export function printTable(results: readonly SizeResult[]): void {
  console.log('\n| objects | Ladder full apply | kubectl apply --server-side | ratio | requests/object | Ladder unchanged re-apply (dry-runs, writes) | kubectl no-op | ratio |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(`| ${r.objects.toLocaleString('en')} | ${seconds(r.ladder.fullMs)} | ${r.kubectl ? seconds(r.kubectl.fullMs) : '–'} | ${ratio(r.ladder.fullMs, r.kubectl?.fullMs)} | ${r.ladder.requestsPerObject} | ${seconds(r.ladder.reapplyMs)} (${r.ladder.reapply.dryRuns}, ${r.ladder.reapply.writes}) | ${r.kubectl ? seconds(r.kubectl.noopMs) : '–'} | ${ratio(r.ladder.reapplyMs, r.kubectl?.noopMs)} |`);
  }
  console.log('\n| objects | edit → Slack p50 / p95 / max | idle Kubernetes / GitHub requests/min | peak RSS (after the first apply) | RSS idle | load average at each run |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(`| ${r.objects.toLocaleString('en')} | ${r.driftToSlackMs.p50} / ${r.driftToSlackMs.p95} / ${r.driftToSlackMs.max} ms | ${r.idlePerMinute.kube} / ${r.idlePerMinute.github} | ${r.peakRssMb} MB (${r.peakRssAfterApplyMb} MB) | ${r.rssIdleMb} MB | ${r.loadAverage.map((l) => l.toFixed(1)).join(', ')} |`);
  }
}

export function medianCpu(runs: readonly CpuMs[]): CpuMs {
  const others = runs.flatMap((r) => (r.others === undefined ? [] : [r.others]));
  return { apiServer: median(runs.map((r) => r.apiServer)), etcd: median(runs.map((r) => r.etcd)), client: median(runs.map((r) => r.client)), ...(others.length ? { others: median(others) } : {}) };
}

/**
 * Where the full apply's time goes: CPU seconds of the API server, etcd and the client (the agent, or
 * kubectl), and what that allows on this machine's cores — no run can be shorter than their sum over
 * the cores, however the requests are spread. On shared cores the other processes' CPU over the same
 * span (`others`) comes on top: (total + others) / cores is the floor that run could reach.
 */
export function printCpuTable(results: readonly SizeResult[], cores: number): void {
  console.log(`\n| objects | side | API server CPU | etcd CPU | client CPU | total | total / ${cores} cores | other processes' CPU | (total + others) / ${cores} | API server ms per object |`);
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    for (const [side, used] of [['Ladder', r.cpuMs?.ladder], ['kubectl', r.cpuMs?.kubectl]] as const) {
      if (!used) continue;
      const total = used.apiServer + used.etcd + used.client;
      const note = side === 'Ladder' && r.throttled?.length ? ` (429s: ${r.throttled.join(', ')})` : '';
      const others = used.others === undefined ? '–' : seconds(used.others);
      const shared = used.others === undefined ? '–' : seconds((total + used.others) / cores);
      console.log(`| ${r.objects.toLocaleString('en')} | ${side}${note} | ${seconds(used.apiServer)} | ${seconds(used.etcd)} | ${seconds(used.client)} | ${seconds(total)} | ${seconds(total / cores)} | ${others} | ${shared} | ${(used.apiServer / r.objects).toFixed(2)} |`);
    }
  }
}

/** Issue 16's targets, each missed one as a line. */
export function checkTargets(results: readonly SizeResult[]): string[] {
  const missed: string[] = [];
  for (const r of results) {
    const n = r.objects.toLocaleString('en');
    if (r.ladder.requestsPerObject > 2.05) missed.push(`${n}: ${r.ladder.requestsPerObject} requests per object on the first apply (at most 2.05)`);
    if (r.ladder.reapply.dryRuns > 0 || r.ladder.reapply.writes > 0) missed.push(`${n}: the unchanged re-apply sent ${r.ladder.reapply.dryRuns} dry-runs and ${r.ladder.reapply.writes} writes (none)`);
    if (r.peakRssMb >= 250) missed.push(`${n}: peak RSS ${r.peakRssMb} MB (under 250 MB)`);
    if (r.driftToSlackMs.p95 >= 500) missed.push(`${n}: drift to Slack p95 ${r.driftToSlackMs.p95} ms (under 500 ms)`);
    if (r.kubectl && r.ladder.fullMs > 0.6 * r.kubectl.fullMs) missed.push(`${n}: full apply ${ratio(r.ladder.fullMs, r.kubectl.fullMs)}× kubectl's (at most 0.6×)`);
    if (r.kubectl && r.ladder.reapplyMs > 0.1 * r.kubectl.noopMs) missed.push(`${n}: unchanged re-apply ${ratio(r.ladder.reapplyMs, r.kubectl.noopMs)}× kubectl's no-op (at most 0.1×)`);
  }
  return missed;
}
