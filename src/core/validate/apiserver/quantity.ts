import { quantityPattern } from '../schema/formats.js';

/**
 * A resource.Quantity as an exact fraction, so `500m`, `0.5` and `5e-1` compare
 * equal and `1Gi` > `1G` without floating-point surprises. The API server
 * compares quantities exactly too (inf.Dec or scaled int64).
 */
export interface Quantity {
  readonly numerator: bigint;
  /** Always positive. */
  readonly denominator: bigint;
  /** As written, for messages. */
  readonly text: string;
}

const binarySuffixes: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const decimalExponents: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** Reads a quantity written as a string or a YAML number; undefined when it is not one. */
export function parseQuantity(value: unknown): Quantity | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? numberText(value) : value;
  if (typeof text !== 'string') return undefined;
  if (text.length > maxCachedLength) return readQuantity(text);
  // A manifest set repeats a few quantities (`100m`, `128Mi`) thousands of times: each is read once.
  let parsed = parsedQuantities.get(text);
  if (parsed === undefined) {
    parsed = readQuantity(text) ?? null;
    if (parsedQuantities.size >= maxParsedQuantities) parsedQuantities.clear();
    parsedQuantities.set(text, parsed);
  }
  return parsed ?? undefined;
}

/** Callers only read a Quantity, so one object per text is shared. */
const parsedQuantities = new Map<string, Quantity | null>();
const maxParsedQuantities = 4096;
const maxCachedLength = 64;

function readQuantity(text: string): Quantity | undefined {
  if (!quantityPattern.test(text)) return undefined;
  const match = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text)!;
  const [, sign, whole = '', fraction = '', suffix = ''] = match;
  let numerator = BigInt(`${whole || '0'}${fraction}`);
  let denominator = 10n ** BigInt(fraction.length);
  if (sign === '-') numerator = -numerator;
  let exponent = 0;
  if (suffix in binarySuffixes) numerator *= binarySuffixes[suffix]!;
  else if (suffix in decimalExponents) exponent = decimalExponents[suffix]!;
  else exponent = Number(suffix.slice(1)); // e3, E-2
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 1000) return undefined;
  if (exponent > 0) numerator *= 10n ** BigInt(exponent);
  else if (exponent < 0) denominator *= 10n ** BigInt(-exponent);
  return { numerator, denominator, text };
}

/** -1, 0 or 1, like Quantity.Cmp. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function signOf(q: Quantity): number {
  return q.numerator < 0n ? -1 : q.numerator > 0n ? 1 : 0;
}

/** Whether the quantity is a whole number of `unit` (e.g. 1 for CPU in whole cores, 1/1000 for millicores). */
export function isMultipleOf(q: Quantity, unitNumerator: bigint, unitDenominator = 1n): boolean {
  // q / unit = (n * ud) / (d * un) must be an integer.
  return (q.numerator * unitDenominator) % (q.denominator * unitNumerator) === 0n;
}

/** The value rounded up to a whole number, as Quantity.Value() does. */
export function ceilValue(q: Quantity): bigint {
  const whole = q.numerator / q.denominator;
  return q.numerator % q.denominator === 0n || q.numerator < 0n ? whole : whole + 1n;
}

/** The value in thousandths rounded up, as Quantity.MilliValue() does. */
export function ceilMilliValue(q: Quantity): bigint {
  const scaled = q.numerator * 1000n;
  const whole = scaled / q.denominator;
  return scaled % q.denominator === 0n || scaled < 0n ? whole : whole + 1n;
}

function numberText(value: number): string {
  // YAML numbers reach us as JavaScript numbers; 1e21 and beyond print with an exponent the pattern accepts.
  return String(value).replace('e+', 'e');
}

const decimalSuffixes: [number, string][] = [[18, 'E'], [15, 'P'], [12, 'T'], [9, 'G'], [6, 'M'], [3, 'k'], [0, ''], [-3, 'm'], [-6, 'u'], [-9, 'n']];
const binaryNames: [bigint, string][] = [[1n << 60n, 'Ei'], [1n << 50n, 'Pi'], [1n << 40n, 'Ti'], [1n << 30n, 'Gi'], [1n << 20n, 'Mi'], [1n << 10n, 'Ki']];

/**
 * Quantity.String(): the canonical form in the format the value was written
 * in (binary SI, decimal SI or decimal exponent), e.g. `1000m` → `1`,
 * `1024Ki` → `1Mi`. Values finer than nano-units are rounded up, as Go does.
 */
export function canonicalQuantity(q: Quantity): string {
  const binary = /[KMGTPE]i$/.test(q.text);
  const exponent = /[eE][+-]?[0-9]+$/.test(q.text);
  const sign = q.numerator < 0n ? '-' : '';
  const magnitude = q.numerator < 0n ? -q.numerator : q.numerator;
  if (magnitude === 0n) return '0';
  if (binary && magnitude % q.denominator === 0n) {
    const whole = magnitude / q.denominator;
    for (const [unit, name] of binaryNames) if (whole % unit === 0n) return `${sign}${whole / unit}${name}`;
    if (whole < 1024n) return `${sign}${whole}`;
  }
  // Decimal: the largest power of 1000 that keeps an integer mantissa.
  const nanos = (magnitude * 10n ** 9n + q.denominator - 1n) / q.denominator;
  for (const [power, suffix] of decimalSuffixes) {
    const unit = 10n ** BigInt(power + 9);
    if (nanos % unit === 0n) return `${sign}${nanos / unit}${exponent && power !== 0 ? `e${power}` : suffix}`;
  }
  return `${sign}${nanos}n`;
}
