// The agent's requests in flight through a full apply, every 100 ms from its /metrics
// (`ladder_kube_requests_in_flight`, `ladder_kube_requests_total`): where the apply keeps the API
// server busy and where it leaves it waiting on the agent (a phase barrier, a serial tail).
import { writeFileSync } from 'node:fs';
import type { AgentProcess } from './agent-process.js';

export interface InFlightSample {
  /** ms since sampling began. */
  at: number;
  inFlight: number;
  /** Requests sent so far (a counter, for the rate). */
  requests: number;
}

export interface InFlightSummary {
  samples: number;
  /** Share of samples with this many requests in flight. */
  none: number;
  belowHalf: number;
  atLimit: number;
  /** The longest stretch of samples with nothing in flight, in ms. */
  longestIdleMs: number;
  medianInFlight: number;
  connections: number;
}

/** Samples every `everyMs` until stopped; a scrape still under way when the next is due is skipped. */
export function sampleInFlight(agent: AgentProcess, everyMs = 100): { stop(): InFlightSample[] } {
  const samples: InFlightSample[] = [];
  const started = Date.now();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    const at = Date.now() - started;
    void agent.metrics().then(
      (m) => samples.push({ at, inFlight: m.ladder_kube_requests_in_flight ?? NaN, requests: m.ladder_kube_requests_total ?? NaN }),
      () => undefined,
    ).finally(() => (busy = false));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

export function summarizeInFlight(samples: readonly InFlightSample[], limit: number, connections: number, everyMs = 100): InFlightSummary {
  const share = (test: (s: InFlightSample) => boolean) => Number((samples.filter(test).length / Math.max(1, samples.length)).toFixed(2));
  let longest = 0;
  let run = 0;
  for (const s of samples) {
    run = s.inFlight === 0 ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  const sorted = samples.map((s) => s.inFlight).sort((a, b) => a - b);
  return {
    samples: samples.length,
    none: share((s) => s.inFlight === 0),
    belowHalf: share((s) => s.inFlight < limit / 2),
    atLimit: share((s) => s.inFlight >= limit),
    longestIdleMs: longest * everyMs,
    medianInFlight: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    connections,
  };
}

export function describeInFlight(s: InFlightSummary, limit: number): string {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return `requests in flight (${s.samples} samples, 100 ms apart): median ${s.medianInFlight}, at the limit of ${limit} ${pct(s.atLimit)}, under ${limit / 2} ${pct(s.belowHalf)}, none ${pct(s.none)} (longest ${s.longestIdleMs} ms); ${s.connections} connection(s) opened`;
}

export function writeInFlightTimeline(file: string, samples: readonly InFlightSample[]): void {
  writeFileSync(file, `${JSON.stringify(samples)}\n`);
}
