import { isKnownTimeZone } from './time-zone-check.js';

/**
 * The schedule parser the CronJob controller uses (robfig/cron/v3
 * ParseStandard): five fields, or a descriptor such as @daily or @every 1h.
 * Returns the parser's error message, or undefined for a valid schedule.
 */

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const months: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const days: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const fields: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: months },
  { min: 0, max: 6, names: days },
];
const descriptors = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

export function cronScheduleError(spec: string): string | undefined {
  if (spec.length === 0) return 'empty spec string';
  let rest = spec;
  if (rest.startsWith('TZ=') || rest.startsWith('CRON_TZ=')) {
    const space = rest.indexOf(' ');
    const zone = rest.slice(rest.indexOf('=') + 1, space < 0 ? undefined : space);
    if (!isKnownTimeZoneForCron(zone)) return `provided bad location ${zone}: unknown time zone ${zone}`;
    rest = space < 0 ? '' : rest.slice(space).trim();
  }
  if (rest.startsWith('@')) {
    if (rest.startsWith('@every ')) return parseDuration(rest.slice('@every '.length)) ? undefined : `failed to parse duration ${rest}: time: invalid duration ${JSON.stringify(rest.slice('@every '.length))}`;
    return descriptors.has(rest) ? undefined : `unrecognized descriptor: ${rest}`;
  }
  const parts = rest.split(/[ \t\n\v\f\r]+/).filter((p) => p !== '');
  if (parts.length !== 5) return `expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    const error = fieldError(parts[i]!, fields[i]!);
    if (error) return error;
  }
  return undefined;
}

function fieldError(field: string, bounds: Bounds): string | undefined {
  for (const expr of field.split(',')) {
    const error = rangeError(expr, bounds);
    if (error) return error;
  }
  return undefined;
}

function rangeError(expr: string, bounds: Bounds): string | undefined {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = bounds.min;
    end = bounds.max;
  } else {
    const low = parseValue(lowAndHigh[0]!, bounds);
    if (typeof low === 'string') return low;
    start = low;
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) {
      const high = parseValue(lowAndHigh[1]!, bounds);
      if (typeof high === 'string') return high;
      end = high;
    } else return `too many hyphens: ${expr}`;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const parsed = parseIntStrict(rangeAndStep[1]!);
    if (typeof parsed === 'string') return parsed;
    step = parsed;
    // "N/step" means N through the end of the range.
    if (singleDigit) end = bounds.max;
  } else if (rangeAndStep.length > 2) {
    return `too many slashes: ${expr}`;
  }
  if (start < bounds.min) return `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`;
  if (end > bounds.max) return `end of range (${end}) above maximum (${bounds.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  if (step === 0) return `step of range should be a positive number: ${expr}`;
  return undefined;
}

function parseValue(text: string, bounds: Bounds): number | string {
  const named = bounds.names?.[text.toLowerCase()];
  if (named !== undefined) return named;
  return parseIntStrict(text);
}

/** strconv.Atoi, then the parser's "negative number" check. */
function parseIntStrict(text: string): number | string {
  if (!/^[+-]?[0-9]+$/.test(text)) return `failed to parse int from ${text}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) return `failed to parse int from ${text}: strconv.Atoi: parsing ${JSON.stringify(text)}: value out of range`;
  if (value < 0) return `negative number (${value}) not allowed: ${text}`;
  return value;
}

/** time.ParseDuration. */
export function parseDuration(text: string): boolean {
  if (text === '0') return true;
  return /^[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$/.test(text);
}

function isKnownTimeZoneForCron(zone: string): boolean {
  return zone === '' || isKnownTimeZone(zone);
}
