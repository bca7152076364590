/**
 * Where a CLI run's CPU time goes between what every run pays and what each
 * resource costs: the CLI on one thread over growing prefixes of the corpus
 * (the corpus is written in a fixed order, so a prefix is a smaller corpus),
 * the cost per resource between two sizes, and `ladder --version` (start-up
 * alone). Run by `bench/validate/run.ts --scaling`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCorpus } from './corpus.js';
import { runLadderCli, runLadderVersion, type Measurement } from './measure.js';

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

export interface ScalingRow {
  resources: number;
  threads: number;
  cpuSeconds: number;
  seconds: number;
}

/** Median CPU and wall time of `runs` runs at each size, interleaved so the machine's load falls on every size alike. */
export async function measureScaling(cli: string, corpus: string, total: number, version: string, runs: number): Promise<ScalingRow[]> {
  const sizes = [100, 1000, 2500, 5000].filter((size) => size < total);
  const dirs = new Map<number, string>();
  try {
    for (const size of sizes) {
      const dir = await mkdtemp(join(tmpdir(), `ladder-bench-scaling-${size}-`));
      await writeCorpus(dir, size);
      dirs.set(size, dir);
    }
    dirs.set(total, corpus);
    const cases: { resources: number; threads: number; run: () => Promise<Measurement> }[] = [
      { resources: 0, threads: 1, run: () => runLadderVersion(cli) },
      ...[...dirs].map(([resources, dir]) => ({ resources, threads: 1, run: () => runLadderCli(cli, dir, version, [], process.execPath, { LADDER_THREADS: '1' }) })),
      { resources: total, threads: 2, run: () => runLadderCli(cli, corpus, version, [], process.execPath, { LADDER_THREADS: '2' }) },
    ];
    const measured = cases.map(() => [] as Measurement[]);
    for (let run = 0; run < runs; run++) {
      for (const [i, item] of cases.entries()) measured[i]!.push(await item.run());
    }
    return cases.map((item, i) => ({
      resources: item.resources,
      threads: item.threads,
      cpuSeconds: median(measured[i]!.map((m) => m.cpuSeconds ?? Number.NaN)),
      seconds: median(measured[i]!.map((m) => m.seconds)),
    }));
  } finally {
    for (const [size, dir] of dirs) if (size !== total) await rm(dir, { recursive: true, force: true });
  }
}

/** The table: CPU per size, the cost of each resource between one size and the next, and the fixed cost that leaves. */
export function formatScaling(rows: readonly ScalingRow[]): string {
  const single = rows.filter((row) => row.threads === 1 && row.resources > 0);
  const lines = ['resources  threads   CPU s  wall s  CPU per resource since the row above'];
  for (const row of rows) {
    const before = row.threads === 1 ? single[single.indexOf(row) - 1] : undefined;
    const marginal = before ? `${((1000 * (row.cpuSeconds - before.cpuSeconds)) / (row.resources - before.resources)).toFixed(3)} ms` : '';
    const label = row.resources === 0 ? 'ladder --version' : String(row.resources);
    lines.push(`${label.padStart(16)} ${String(row.threads).padStart(3)} ${row.cpuSeconds.toFixed(2).padStart(7)} ${row.seconds.toFixed(2).padStart(7)}  ${marginal}`);
  }
  const last = single.at(-1);
  const previous = single.at(-2);
  if (last && previous) {
    const slope = (last.cpuSeconds - previous.cpuSeconds) / (last.resources - previous.resources);
    lines.push(`fixed cost of one thread, the largest size less ${(slope * 1000).toFixed(3)} ms a resource: ${(last.cpuSeconds - slope * last.resources).toFixed(2)} s of CPU`);
    const two = rows.find((row) => row.threads === 2);
    if (two) lines.push(`a second thread at ${two.resources} resources adds ${(two.cpuSeconds - last.cpuSeconds).toFixed(2)} s of CPU`);
  }
  return lines.join('\n');
}
