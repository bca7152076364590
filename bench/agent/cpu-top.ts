// `node --import tsx bench/agent/cpu-top.ts <file.cpuprofile> [--top 25] [--from ms --to ms]`: a V8 CPU
// profile's self time by function (and by category: GC, idle, program), as `go tool pprof -top` gives
// it for the API server's side. `--from`/`--to` keep the samples of one window (ms from the start).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, from: { type: 'string' }, to: { type: 'string' } } });
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const from = values.from === undefined ? -Infinity : Number(values.from) * 1000;
const to = values.to === undefined ? Infinity : Number(values.to) * 1000;
const self = new Map<string, number>();
let at = 0;
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i] ?? 0;
  if (at < from || at > to) continue;
  const node = byId.get(profile.samples[i]!)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const name = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules|src|dist)\//, '$1/')}:${lineNumber + 1}`;
  const delta = profile.timeDeltas[i + 1] ?? 0;
  self.set(name, (self.get(name) ?? 0) + delta);
  total += delta;
}
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
for (const [name, us] of rows) console.log(`${(us / 1000).toFixed(0).padStart(8)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
