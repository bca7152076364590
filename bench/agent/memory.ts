// `bench/agent`'s memory timeline: the agent's resident set (anonymous against file-backed pages)
// and its V8 heap, per step of the run, so the peak can be placed (which step) and split (heap,
// memory outside it, code). With `--heap-snapshot <dir>` the agent also runs with
// `--heapsnapshot-signal=SIGUSR2` and writes a snapshot where the bench asks for one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MemorySample } from './agent-process.js';

export interface PhasePeak {
  phase: string;
  seconds: number;
  /** The sample with the highest RSS in the step, as it was then. */
  atPeak: MemorySample;
  /** Each figure's own highest value in the step. */
  max: { rssMb: number; rssAnonMb: number; rssFileMb: number; heapUsedMb: number; heapTotalMb: number; externalMb: number; arrayBuffersMb: number };
}

export function memoryByPhase(samples: readonly MemorySample[]): PhasePeak[] {
  const phases: PhasePeak[] = [];
  for (const sample of samples) {
    let last = phases.at(-1);
    if (!last || last.phase !== sample.phase) {
      last = { phase: sample.phase, seconds: 0, atPeak: sample, max: { rssMb: 0, rssAnonMb: 0, rssFileMb: 0, heapUsedMb: 0, heapTotalMb: 0, externalMb: 0, arrayBuffersMb: 0 } };
      phases.push(last);
    }
    last.seconds = (sample.at - (samplesStart(samples, sample.phase) ?? sample.at)) / 1000;
    if (sample.rssMb > last.atPeak.rssMb) last.atPeak = sample;
    const m = last.max;
    m.rssMb = Math.max(m.rssMb, sample.rssMb);
    m.rssAnonMb = Math.max(m.rssAnonMb, sample.rssAnonMb);
    m.rssFileMb = Math.max(m.rssFileMb, sample.rssFileMb);
    if (sample.heap) {
      m.heapUsedMb = Math.max(m.heapUsedMb, sample.heap.usedMb);
      m.heapTotalMb = Math.max(m.heapTotalMb, sample.heap.totalMb);
      m.externalMb = Math.max(m.externalMb, sample.heap.externalMb);
      m.arrayBuffersMb = Math.max(m.arrayBuffersMb, sample.heap.arrayBuffersMb);
    }
  }
  return phases;
}

function samplesStart(samples: readonly MemorySample[], phase: string): number | undefined {
  return samples.find((s) => s.phase === phase)?.at;
}

export function printMemoryTable(size: number, phases: readonly PhasePeak[]): void {
  const f = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(0));
  console.log(`\nmemory of the agent at ${size.toLocaleString('en')} objects, per step (MB; at the step's RSS peak, then each figure's own maximum):`);
  console.log('| step | s | RSS | anon | file | heap used | heap total | old | code | large obj | new | external | array buffers | max heap used / total / external |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const p of phases) {
    const s = p.atPeak;
    const h = s.heap;
    console.log(`| ${p.phase} | ${p.seconds.toFixed(0)} | ${f(s.rssMb)} | ${f(s.rssAnonMb)} | ${f(s.rssFileMb)} | ${f(h?.usedMb)} | ${f(h?.totalMb)} | ${f(h?.oldMb)} | ${f(h?.codeMb)} | ${f(h?.largeObjectMb)} | ${f(h?.newMb)} | ${f(h?.externalMb)} | ${f(h?.arrayBuffersMb)} | ${f(p.max.heapUsedMb)} / ${f(p.max.heapTotalMb)} / ${f(p.max.externalMb)} |`);
  }
}

export function writeMemoryTimeline(file: string, samples: readonly MemorySample[]): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(samples)}\n`);
}

/** The agent's NODE_OPTIONS with heap snapshots written into `dir` on SIGUSR2. */
export function withHeapSnapshots(nodeOptions: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  return `${nodeOptions} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`;
}

/** The live heap (V8's heap after each full collection, from `--trace-gc`) at its highest in each step. */
export function printLiveHeap(collections: ReadonlyArray<{ phase: string; mb: number }>): void {
  if (collections.length === 0) return;
  const highest = new Map<string, { mb: number; count: number }>();
  for (const { phase, mb } of collections) {
    const seen = highest.get(phase);
    highest.set(phase, { mb: Math.max(seen?.mb ?? 0, mb), count: (seen?.count ?? 0) + 1 });
  }
  const steps = [...highest].map(([phase, { mb, count }]) => `${phase} ${mb.toFixed(0)} (${count})`).join('; ');
  console.log(`  live heap after full collections, highest per step in MB (collections): ${steps}`);
}
