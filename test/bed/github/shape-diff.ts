/**
 * Compares the structure of two JSON values (keys and JSON types, not values),
 * to hold this server's answers against exchanges recorded from api.github.com.
 */

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Paths where `recorded` has a key that `ours` lacks, or a different JSON
 * type. null on either side matches anything (nullable fields are null in one
 * recording and set in another). Arrays compare their first elements.
 */
export function shapeDifferences(recorded: unknown, ours: unknown, path = '$'): string[] {
  const a = kind(recorded);
  const b = kind(ours);
  if (a === 'null' || b === 'null') return [];
  if (a !== b) return [`${path}: recorded ${a}, ours ${b}`];
  if (a === 'array') {
    const [first] = recorded as unknown[];
    const [mine] = ours as unknown[];
    return first === undefined || mine === undefined ? [] : shapeDifferences(first, mine, `${path}[0]`);
  }
  if (a !== 'object') return [];
  const theirs = recorded as Record<string, unknown>;
  const mine = ours as Record<string, unknown>;
  const differences: string[] = [];
  for (const key of Object.keys(theirs)) {
    if (!(key in mine)) differences.push(`${path}.${key}: missing`);
    else differences.push(...shapeDifferences(theirs[key], mine[key], `${path}.${key}`));
  }
  return differences;
}
