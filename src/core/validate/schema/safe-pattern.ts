/**
 * Whether a CRD's `pattern` is safe to run with JavaScript's backtracking
 * RegExp. The API server uses RE2, which runs in linear time, so CRD authors
 * never see a problem with a pattern such as `^(a+)+$`; in JavaScript it takes
 * exponential time on a long enough non-matching string, and a manifest set
 * could stall validation. A pattern is refused when a group that contains an
 * unbounded quantifier (`*`, `+`, `{n,}`) is itself repeated without bound, or
 * when it uses a backreference (which RE2 does not support either). This is
 * conservative: some refused patterns would have been harmless.
 */
export function isSafePattern(pattern: string): boolean {
  // One entry per open group: whether an unbounded quantifier occurs inside it.
  const groups: boolean[] = [];
  let lastGroupHadUnbounded = false; // the group that just closed, if the previous token was `)`
  let previousWasGroup = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (/[1-9k]/.test(pattern[i + 1] ?? '')) return false; // backreference
      i++;
      previousWasGroup = false;
      continue;
    }
    if (c === '[') {
      i = skipClass(pattern, i);
      previousWasGroup = false;
      continue;
    }
    if (c === '(') {
      groups.push(false);
      previousWasGroup = false;
      continue;
    }
    if (c === ')') {
      lastGroupHadUnbounded = groups.pop() ?? false;
      if (lastGroupHadUnbounded && groups.length > 0) groups[groups.length - 1] = true;
      previousWasGroup = true;
      continue;
    }
    const unbounded = unboundedQuantifierAt(pattern, i);
    if (unbounded) {
      if (previousWasGroup && lastGroupHadUnbounded) return false;
      if (groups.length > 0) groups[groups.length - 1] = true;
    }
    previousWasGroup = false;
  }
  return true;
}

/** `*`, `+` or `{n,}` at `i`. */
function unboundedQuantifierAt(pattern: string, i: number): boolean {
  const c = pattern[i];
  if (c === '*' || c === '+') return true;
  return c === '{' && /^\{\d*,\}/.test(pattern.slice(i, i + 12));
}

/** Index of the `]` closing the character class that opens at `start`. */
function skipClass(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++; // a leading `]` is a literal
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}
