const unitMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds in a duration such as `30m`, `1h30m` or `2d` (the config schema
 * has already checked the form). A string that does not parse is an error: a
 * soak time that silently became zero would let promotions through early.
 */
export function parseDuration(text: string): number {
  const pattern = /(\d+)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    total += Number(match[1]) * (unitMs[match[2] ?? ''] ?? Number.NaN);
    consumed = pattern.lastIndex;
  }
  if (text.length === 0 || consumed !== text.length || !Number.isFinite(total)) {
    throw new Error(`not a duration: '${text}' (expected something like 30m, 1h30m or 2d)`);
  }
  return total;
}
