/** One line of a line-by-line comparison of two texts. */
export interface DiffLine {
  /** `…` stands for a run of unchanged lines left out; its text says how many. */
  op: ' ' | '-' | '+' | '…';
  text: string;
}

/** Above this many line pairs the comparison costs too much memory; callers show both texts whole. */
const maxCells = 4_000_000;

/**
 * Compares two multi-line strings (a ConfigMap's embedded file, say) line by
 * line and keeps `context` unchanged lines around each change; `undefined`
 * when the texts are too large to compare.
 */
export function diffLines(before: string, after: string, context = 2): DiffLine[] | undefined {
  // A final newline ends the last line; it does not start an empty one.
  const a = before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  // Common head and tail need no table, and are most of a typical edit.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  if ((midA.length + 1) * (midB.length + 1) > maxCells) return undefined;

  const lines: DiffLine[] = [
    ...a.slice(0, head).map((text) => ({ op: ' ' as const, text })),
    ...alignMiddle(midA, midB),
    ...a.slice(a.length - tail).map((text) => ({ op: ' ' as const, text })),
  ];
  return trimContext(lines, context);
}

/** Longest-common-subsequence alignment; removals come before additions at each point. */
function alignMiddle(a: string[], b: string[]): DiffLine[] {
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j] ? lcs[(i + 1) * width + j + 1]! + 1 : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ op: ' ', text: a[i++]! });
      j++;
    } else if (j >= b.length || (i < a.length && lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!)) {
      out.push({ op: '-', text: a[i++]! });
    } else {
      out.push({ op: '+', text: b[j++]! });
    }
  }
  return out;
}

function trimContext(lines: DiffLine[], context: number): DiffLine[] {
  const keep = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.op === ' ') return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k++) keep[k] = true;
  });
  const out: DiffLine[] = [];
  let skipped = 0;
  const flush = () => {
    if (skipped > 0) out.push({ op: '…', text: `${skipped} unchanged line${skipped === 1 ? '' : 's'}` });
    skipped = 0;
  };
  lines.forEach((line, index) => {
    if (!keep[index]) {
      skipped++;
      return;
    }
    flush();
    out.push(line);
  });
  flush();
  return out;
}
