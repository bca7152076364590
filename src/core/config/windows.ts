import type { DeployWindow } from './schema.js';

/** Opening hours of a deploy window in minutes since midnight; `end` may be 1440 (24:00). */
export interface WindowHours {
  start: number;
  end: number;
}

/** Reads `HH:MM-HH:MM` (already checked by the schema) into minutes. */
export function windowHours(window: Pick<DeployWindow, 'hours'>): WindowHours {
  const [start = 0, end = 0] = window.hours.split('-').map((time) => {
    const [hours = 0, minutes = 0] = time.split(':').map(Number);
    return hours * 60 + minutes;
  });
  return { start, end };
}

const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * The days of the week (0 = Sunday, as Date#getDay) a window is open on.
 * A range wraps over the weekend: `fri-mon` is Friday to Monday.
 */
export function windowDays(window: Pick<DeployWindow, 'days'>): Set<number> {
  const days = new Set<number>();
  for (const part of window.days.split(',')) {
    const [first = '', last = first] = part.split('-');
    const from = weekdays.indexOf(first as (typeof weekdays)[number]);
    const to = weekdays.indexOf(last as (typeof weekdays)[number]);
    if (from < 0 || to < 0) continue;
    for (let day = from; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === to) break;
    }
  }
  return days;
}

// Only IANA names: newer ICU versions also accept offsets such as +01:00,
// which would make a config valid on Node 24 and invalid on Node 20.
const zoneNamePattern = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;

export function isTimeZone(name: string): boolean {
  if (!zoneNamePattern.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Time zone names to suggest from when a name is misspelt. */
export function timeZoneNames(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
}
