/**
 * Runs the differential test: generate cases, have kube-apiserver, Ladder and
 * kubeconform judge each, and count agreement per kind. Used by the benchmark
 * command (bench/validate/differential/run.ts, thousands of cases) and by the
 * CI subset (test/integration/apiserver-differential.test.ts).
 */
import { readFileSync } from 'node:fs';
import { createKubeClient } from '../../../src/adapters/kube/client.js';
import type { SchemaBundle } from '../../../src/core/validate/schema/bundle.js';
import type { ControlPlane } from '../../../test/bed/kube/control-plane.js';
import { generateCases, type Case, type KindCoverage, type SitesFile } from './generate.js';
import { kubeconformVerdicts, ladderVerdicts, serially, serverVerdict, wasmVerdicts, type Outcome } from './judges.js';
import type { ApiServerWasm } from '../wasm/apiserver-wasm.js';

export function loadSites(minor: number): SitesFile {
  return JSON.parse(readFileSync(new URL(`./sites/v1.${minor}.json`, import.meta.url), 'utf8')) as SitesFile;
}

export interface Tally {
  cases: number;
  bothAccept: number;
  bothRefuse: number;
  /** The judge refused what the API server accepted: a false alarm. */
  falseRefusals: number;
  /** The judge accepted what the API server refused: a miss. */
  misses: number;
}

export interface KindReport {
  coverage: KindCoverage;
  ladder: Tally;
  kubeconform?: Tally;
  /** The WASM option: the schema check, then kube-apiserver's own validation compiled to WebAssembly. */
  wasm?: Tally;
  /** Cases the server could not judge on the object alone (a missing namespace). */
  environment: number;
  /** Cases the server refused for a reason its flags decide; how many of them Ladder flagged (error or warning). */
  cluster: ClusterDependent;
}

export interface ClusterDependent {
  cases: number;
  ladderFlagged: number;
}

export interface Disagreement {
  id: string;
  site: string;
  path: string;
  mutation: string;
  /** `ladder, cluster flags`: the server refused for a reason its flags decide, and Ladder said nothing. */
  judge: 'ladder' | 'kubeconform' | 'wasm' | 'ladder, cluster flags';
  server: Outcome;
  other: Outcome;
}

export interface DifferentialReport {
  kubernetesVersion: string;
  seed: number;
  kinds: Record<string, KindReport>;
  total: { ladder: Tally; kubeconform?: Tally; wasm?: Tally; environment: number; cluster: ClusterDependent; sites: number; covered: number };
  /** Seeds the server refused: the generator's own bug, listed so it is fixed rather than counted. */
  refusedSeeds: { id: string; reason: string }[];
  disagreements: Disagreement[];
  seconds: { server: number; ladder: number; kubeconform?: number; wasm?: number };
}

export interface DifferentialOptions {
  cluster: ControlPlane;
  bundle: SchemaBundle;
  sites: SitesFile;
  seed?: number;
  perField?: number;
  maxPerKind?: number;
  kinds?: readonly string[];
  /** kubeconform binary and its schema directory, to put its agreement beside Ladder's. */
  kubeconform?: { binary: string; schemaDir: string };
  /** The WASM option, loaded (bench/validate/wasm), to put its agreement beside Ladder's. */
  wasm?: ApiServerWasm;
  concurrency?: number;
  log?: (message: string) => void;
}

const emptyTally = (): Tally => ({ cases: 0, bothAccept: 0, bothRefuse: 0, falseRefusals: 0, misses: 0 });

function count(tally: Tally, server: Outcome, other: Outcome): 'agree' | 'false-refusal' | 'miss' {
  tally.cases++;
  if (server.verdict === 'accept' && other.verdict === 'accept') tally.bothAccept++;
  else if (server.verdict === 'refuse' && other.verdict === 'refuse') tally.bothRefuse++;
  else if (server.verdict === 'accept') {
    tally.falseRefusals++;
    return 'false-refusal';
  } else {
    tally.misses++;
    return 'miss';
  }
  return 'agree';
}

export async function runDifferential(options: DifferentialOptions): Promise<DifferentialReport> {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 1;
  const { cases, coverage } = generateCases({
    sites: options.sites, bundle: options.bundle, seed,
    ...(options.perField === undefined ? {} : { perField: options.perField }),
    ...(options.maxPerKind === undefined ? {} : { maxPerKind: options.maxPerKind }),
    ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
  });
  log(`${cases.length} cases for ${Object.keys(coverage).length} kinds`);

  const client = createKubeClient(options.cluster.kubeConfig, { userAgent: 'ladder-differential' });
  const namespace = await options.cluster.newNamespace('differential');
  const started = process.hrtime.bigint();
  const server: Outcome[] = new Array(cases.length);
  const exclusive = serially();
  let next = 0;
  const workers = Array.from({ length: options.concurrency ?? 8 }, async () => {
    for (let i = next++; i < cases.length; i = next++) {
      const item = cases[i]!;
      const namespaced = options.bundle.kinds[item.apiVersion]?.[item.kind]?.namespaced ?? true;
      server[i] = await serverVerdict(client, item, namespace, namespaced, exclusive);
      if (i > 0 && i % 1000 === 0) log(`server: ${i}/${cases.length}`);
    }
  });
  await Promise.all(workers);
  client.close();
  const serverSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const ladder = ladderVerdicts(options.bundle, cases);
  let kubeconform: Outcome[] | undefined;
  let kubeconformSeconds: number | undefined;
  if (options.kubeconform) {
    const begin = process.hrtime.bigint();
    kubeconform = await kubeconformVerdicts(options.kubeconform.binary, options.kubeconform.schemaDir, cases);
    kubeconformSeconds = Number(process.hrtime.bigint() - begin) / 1e9;
  }
  const wasm = options.wasm ? wasmVerdicts(options.bundle, cases, options.wasm) : undefined;
  return tallyReport(options, seed, cases, coverage, server, ladder.outcomes, kubeconform, wasm?.outcomes, {
    server: serverSeconds, ladder: ladder.seconds,
    ...(kubeconformSeconds === undefined ? {} : { kubeconform: kubeconformSeconds }),
    ...(wasm ? { wasm: wasm.seconds } : {}),
  });
}

function tallyReport(
  options: DifferentialOptions, seed: number, cases: Case[], coverage: Record<string, KindCoverage>,
  server: Outcome[], ladder: Outcome[], kubeconform: Outcome[] | undefined, wasm: Outcome[] | undefined, seconds: DifferentialReport['seconds'],
): DifferentialReport {
  const kinds: Record<string, KindReport> = {};
  const total: DifferentialReport['total'] = { ladder: emptyTally(), ...(kubeconform ? { kubeconform: emptyTally() } : {}), ...(wasm ? { wasm: emptyTally() } : {}), environment: 0, cluster: { cases: 0, ladderFlagged: 0 }, sites: 0, covered: 0 };
  for (const [kind, c] of Object.entries(coverage)) {
    kinds[kind] = { coverage: c, ladder: emptyTally(), ...(kubeconform ? { kubeconform: emptyTally() } : {}), ...(wasm ? { wasm: emptyTally() } : {}), environment: 0, cluster: { cases: 0, ladderFlagged: 0 } };
    total.sites += c.sites;
    total.covered += c.covered;
  }
  const refusedSeeds: DifferentialReport['refusedSeeds'] = [];
  const disagreements: Disagreement[] = [];
  cases.forEach((item, i) => {
    const report = kinds[item.kind]!;
    const verdict = server[i]!;
    if (item.site === '(seed)' && verdict.verdict !== 'accept') refusedSeeds.push({ id: item.id, reason: 'reason' in verdict ? verdict.reason : '' });
    if (verdict.verdict === 'environment') {
      report.environment++;
      total.environment++;
      return;
    }
    if (verdict.verdict === 'cluster') {
      const own = ladder[i]!;
      const flagged = own.verdict === 'refuse' || (own.verdict === 'accept' && own.warning !== undefined) ? 1 : 0;
      for (const tally of [report.cluster, total.cluster]) {
        tally.cases++;
        tally.ladderFlagged += flagged;
      }
      if (!flagged) disagreements.push({ id: item.id, site: item.site, path: formatPath(item.path), mutation: item.mutation, judge: 'ladder, cluster flags', server: verdict, other: own });
      return;
    }
    const judged: ['ladder' | 'kubeconform' | 'wasm', Outcome | undefined, Tally | undefined, Tally | undefined][] = [
      ['ladder', ladder[i], report.ladder, total.ladder],
      ['kubeconform', kubeconform?.[i], report.kubeconform, total.kubeconform],
      ['wasm', wasm?.[i], report.wasm, total.wasm],
    ];
    for (const [judge, other, kindTally, totalTally] of judged) {
      if (!other || !kindTally || !totalTally) continue;
      const result = count(kindTally, verdict, other);
      count(totalTally, verdict, other);
      if (result !== 'agree' && (judge === 'ladder' || disagreements.length < 5000)) {
        disagreements.push({ id: item.id, site: item.site, path: formatPath(item.path), mutation: item.mutation, judge, server: verdict, other });
      }
    }
  });
  return { kubernetesVersion: options.bundle.kubernetesVersion, seed, kinds, total, refusedSeeds, disagreements, seconds };
}

function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function agreement(tally: Tally): number {
  return tally.cases === 0 ? 1 : (tally.bothAccept + tally.bothRefuse) / tally.cases;
}

/** The agreement table for docs/validation.md. */
export function formatReport(report: DifferentialReport): string {
  const pct = (t: Tally | undefined) => (t ? `${(agreement(t) * 100).toFixed(1)} %` : '–');
  const withWasm = report.total.wasm !== undefined;
  const lines = [
    `Kubernetes ${report.kubernetesVersion}, seed ${report.seed}: ${report.total.ladder.cases} cases, ${report.total.covered}/${report.total.sites} validation sites reached.`,
    '',
    `| kind | sites reached | cases | both accept | both refuse | Ladder refuses, server accepts | Ladder accepts, server refuses | Ladder agreement | kubeconform agreement |${withWasm ? ' WASM option agreement |' : ''} set by cluster flags (Ladder flags) |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${withWasm ? ' ---: |' : ''} ---: |`,
  ];
  const flags = (c: ClusterDependent) => (c.cases === 0 ? '–' : `${c.cases} (${c.ladderFlagged})`);
  const row = (name: string, covered: string, ladder: Tally, kubeconform: Tally | undefined, wasm: Tally | undefined, cluster: ClusterDependent) =>
    `| ${name} | ${covered} | ${ladder.cases} | ${ladder.bothAccept} | ${ladder.bothRefuse} | ${ladder.falseRefusals} | ${ladder.misses} | ${pct(ladder)} | ${pct(kubeconform)} |${withWasm ? ` ${pct(wasm)} |` : ''} ${flags(cluster)} |`;
  for (const [kind, k] of Object.entries(report.kinds)) lines.push(row(kind, `${k.coverage.covered}/${k.coverage.sites}`, k.ladder, k.kubeconform, k.wasm, k.cluster));
  const t = report.total;
  lines.push(row('**all**', `${t.covered}/${t.sites}`, t.ladder, t.kubeconform, t.wasm, t.cluster));
  return `${lines.join('\n')}\n`;
}
