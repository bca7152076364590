/**
 * Picks the candidate a user most likely meant to type, or nothing when none
 * is close enough to be a typo. Used for "did you mean" in config problems.
 */
export function suggestNearest(input: string, candidates: readonly string[]): string | undefined {
  const wanted = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    // Case differences count for little: `AutoMerge` is surely `autoMerge`.
    const distance = candidate.toLowerCase() === wanted ? 0.5 : editDistance(wanted, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best === undefined) return undefined;
  // A third of the longer word (at least 1, at most 3 edits) separates typos
  // from different words: `enviroments` → `environments`, but `foo` → nothing.
  const allowed = Math.min(3, Math.max(1, Math.floor(Math.max(wanted.length, best.length) / 3)));
  return bestDistance <= allowed ? best : undefined;
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions
 * and swaps of neighbours (`form` → `from`) each cost one.
 */
export function editDistance(a: string, b: string): number {
  // Config keys are short; a pathological input (a 100 kB key) must not cost
  // seconds, and anything that long is no typo of a known name.
  if (Math.abs(a.length - b.length) > 3 || a.length > 200 || b.length > 200) return Math.max(a.length, b.length);
  // Three rows of the table (this one, the last, the one before for swaps), reused: "did you mean"
  // runs for every unknown field against every field of its object, so allocation was most of it.
  const cols = b.length + 1;
  if (scratch.length < 3 * cols) scratch = new Int32Array(3 * cols * 2);
  let before = scratch.subarray(0, cols);
  let last = scratch.subarray(cols, 2 * cols);
  let row = scratch.subarray(2 * cols, 3 * cols);
  for (let j = 0; j < cols; j++) last[j] = j;
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(last[j]! + 1, row[j - 1]! + 1, last[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1);
      row[j] = value;
    }
    const reused = before;
    before = last;
    last = row;
    row = reused;
  }
  return last[b.length]!;
}

let scratch = new Int32Array(64);
