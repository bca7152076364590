// `node --import tsx bench/agent/heap-top.ts <file.heapsnapshot> [--top 30]`: a V8 heap snapshot's
// self size by constructor (objects) or by type (strings, code, arrays), largest first, with counts
// and strings grouped by length, as `bench/agent --heap-snapshot` writes them. What is live, not
// retained sizes: enough to see which kind of record dominates, to read further in DevTools.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
const heap = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as Snapshot;
const fields = heap.snapshot.meta.node_fields;
const types = heap.snapshot.meta.node_types[0];
const width = fields.length;
const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
const groups = new Map<string, { count: number; bytes: number }>();
const lengths = new Map<string, { count: number; bytes: number }>();
let total = 0;
for (let i = 0; i < heap.nodes.length; i += width) {
  const type = types[heap.nodes[i + typeAt]!]!;
  const size = heap.nodes[i + sizeAt]!;
  total += size;
  const isString = type === 'string' || type === 'concatenated string' || type === 'sliced string';
  const key = type === 'object' || type === 'closure' || type === 'native' ? `${type} ${heap.strings[heap.nodes[i + nameAt]!]}` : `(${type})`;
  add(groups, key, size);
  if (isString) {
    const length = heap.strings[heap.nodes[i + nameAt]!]!.length;
    add(lengths, length < 64 ? '< 64 chars' : length < 512 ? '64-511 chars' : length < 4096 ? '512-4095 chars' : '>= 4096 chars', size);
  }
}
console.log(`${(total / 2 ** 20).toFixed(1)} MB in ${heap.nodes.length / width} nodes`);
for (const [key, { count, bytes }] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, Number(values.top))) {
  console.log(`${(bytes / 2 ** 20).toFixed(1).padStart(8)} MB ${String(count).padStart(9)}  ${key}`);
}
console.log('strings by length:');
for (const [key, { count, bytes }] of lengths) console.log(`${(bytes / 2 ** 20).toFixed(1).padStart(8)} MB ${String(count).padStart(9)}  ${key}`);

function add(map: Map<string, { count: number; bytes: number }>, key: string, size: number): void {
  const entry = map.get(key) ?? { count: 0, bytes: 0 };
  entry.count++;
  entry.bytes += size;
  map.set(key, entry);
}
