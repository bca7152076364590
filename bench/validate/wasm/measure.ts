/**
 * The two ways of issue 14's item 1, side by side in one process on the same objects (the
 * differential test's seed manifests, every kind in scope): start-up, throughput and memory of
 * Ladder's hand port (src/core/validate/apiserver) against kube-apiserver's create path compiled
 * to WebAssembly (build.sh). Agreement is the differential run's (`npm run bench:differential -- --wasm`).
 *
 *   node --import tsx bench/validate/wasm/measure.ts [--rounds 200]
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { seeds } from '../differential/seeds.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '200' }, release: { type: 'string', default: 'v1.36.3' } } });
const rounds = Number(values.rounds);
const objects = seeds().map((s) => s.object);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function time<T>(run: () => T): [T, number] {
  const started = performance.now();
  const result = run();
  return [result, performance.now() - started];
}

async function main(): Promise<void> {
  const built = spawnSync('bash', [fileURLToPath(new URL('./build.sh', import.meta.url)), values.release], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (built.status !== 0) throw new Error('could not build the WASM option; see the output above');
  const wasmPath = built.stdout.trim().split('\n').at(-1)!;
  const rssBefore = process.memoryUsage().rss;

  const portStarted = performance.now();
  const { createApiServerRules } = await import('../../../src/core/validate/apiserver/index.js');
  const rules = createApiServerRules(Number(values.release.split('.')[1]));
  const portLoadMs = performance.now() - portStarted;
  const [portFirst, portFirstMs] = time(() => objects.map((o) => rules.check(structuredClone(o))));
  const [, portMs] = time(() => { for (let r = 0; r < rounds; r++) for (const o of objects) rules.check(o); });
  const rssPort = process.memoryUsage().rss;

  const { loadApiServerWasm } = await import('./apiserver-wasm.js');
  const wasm = await loadApiServerWasm(wasmPath);
  const rssWasmLoaded = process.memoryUsage().rss;
  const [wasmFirst, wasmFirstMs] = time(() => objects.map((o) => wasm.validate(o)));
  const [, wasmMs] = time(() => { for (let r = 0; r < rounds; r++) for (const o of objects) wasm.validate(o); });
  const rssWasm = process.memoryUsage().rss;

  const refusedBy = (verdicts: boolean[]) => verdicts.filter(Boolean).length;
  const checks = rounds * objects.length;
  console.log(`${objects.length} seed objects (every kind in scope), ${rounds} rounds = ${checks} checks, Node ${process.version}\n`);
  console.log('| | hand port (TypeScript) | kube-apiserver in WebAssembly |');
  console.log('| --- | ---: | ---: |');
  console.log(`| artefact | part of Ladder's JavaScript | ${mib(statSync(wasmPath).size)} .wasm (${values.release}), built into the cache |`);
  console.log(`| start-up (load + first use) | ${(portLoadMs + portFirstMs).toFixed(0)} ms | ${(wasm.startup.compileMs + wasm.startup.initMs + wasmFirstMs).toFixed(0)} ms (compile ${wasm.startup.compileMs.toFixed(0)}, Go init ${wasm.startup.initMs.toFixed(0)}) |`);
  console.log(`| throughput | ${Math.round(checks / (portMs / 1000))} objects/s | ${Math.round(checks / (wasmMs / 1000))} objects/s |`);
  console.log(`| memory added (RSS) | ${mib(rssPort - rssBefore)} | ${mib(rssWasmLoaded - rssPort)} loaded, ${mib(rssWasm - rssPort)} after the checks |`);
  console.log(`| valid seeds refused | ${refusedBy(portFirst.map((r) => r.some((x) => x.severity === 'error')))} | ${refusedBy(wasmFirst.map((v) => v.verdict !== 'accept'))} |`);
  wasmFirst.forEach((v, i) => { if (v.verdict !== 'accept') console.log(`\nWASM refuses seed ${seeds()[i]!.name}: ${v.verdict} ${(v.errors ?? []).join('; ')}`); });
}

await main();
