/**
 * Wall-clock arithmetic in IANA time zones through Intl only (no tz database
 * of our own), so daylight-saving changes come from the same data Node uses.
 */

export interface WallTime {
  year: number;
  month: number; // 1-12
  day: number;
  /** 0 = Sunday, as Date#getDay. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // h23: some ICU versions print midnight as 24:00 with hour12: false.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local time `instant` (ms) shows in `timeZone`, as if it were UTC, in ms (seconds kept, ms dropped). */
function localAsUtc(instant: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  return Date.UTC(fields.year ?? 0, (fields.month ?? 1) - 1, fields.day ?? 1, fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0);
}

/** Offset of `timeZone` from UTC at `instant`, in ms (e.g. +3 600 000 for CET). */
export function offsetAt(instant: number, timeZone: string): number {
  const wholeSeconds = Math.floor(instant / 1000) * 1000;
  return localAsUtc(wholeSeconds, timeZone) - wholeSeconds;
}

export function wallTime(instant: Date, timeZone: string): WallTime {
  const local = new Date(instant.getTime() + offsetAt(instant.getTime(), timeZone));
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    weekday: local.getUTCDay(),
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}

const dayMs = 86_400_000;

/**
 * The instants at which the local clock in `timeZone` reads `minutes` past
 * midnight of the given date (minutes may exceed 1440: 1440 is the next
 * midnight). Usually one; none inside a spring-forward gap; two inside an
 * autumn fall-back hour. Sorted.
 */
export function instantsAt(date: { year: number; month: number; day: number }, minutes: number, timeZone: string): number[] {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  const offsets = new Set([offsetAt(wall - dayMs, timeZone), offsetAt(wall, timeZone), offsetAt(wall + dayMs, timeZone)]);
  const instants = new Set<number>();
  for (const offset of offsets) {
    const instant = wall - offset;
    if (offsetAt(instant, timeZone) === offset) instants.add(instant);
  }
  return [...instants].sort((a, b) => a - b);
}

// Zones change offset at most a few times a year and never twice within hours.
const sampleMs = 3 * 3_600_000;

/** Instants in (from, to] where the zone's offset changes: the first ms with the new offset. */
export function offsetChanges(from: number, to: number, timeZone: string): number[] {
  const changes: number[] = [];
  let previous = from;
  let previousOffset = offsetAt(from, timeZone);
  while (previous < to) {
    const next = Math.min(previous + sampleMs, to);
    const nextOffset = offsetAt(next, timeZone);
    if (nextOffset !== previousOffset) {
      // Offsets change on whole seconds (offsetAt reads whole seconds), so bisect in seconds.
      let low = Math.floor(previous / 1000);
      let high = Math.ceil(next / 1000);
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (offsetAt(middle * 1000, timeZone) === previousOffset) low = middle;
        else high = middle;
      }
      changes.push(high * 1000);
    }
    previous = next;
    previousOffset = nextOffset;
  }
  return changes;
}
