import type { DeployWindow } from '../config/schema.js';
import { windowDays, windowHours } from '../config/windows.js';
import { instantsAt, offsetChanges, wallTime } from './zoned.js';

export interface WindowSchedule {
  open: boolean;
  /** The next instant the answer flips (window opens or closes); undefined if not within the horizon. */
  changesAt?: Date;
  /** The time zone of the window whose boundary `changesAt` is, for messages. */
  timeZone?: string;
}

type WindowLike = Pick<DeployWindow, 'days' | 'hours'> & { timezone?: string };

/** Whether `instant` falls inside any of the windows, each read in its own time zone. */
export function isInsideWindows(windows: readonly WindowLike[], instant: Date): boolean {
  return windows.some((window) => {
    const local = wallTime(instant, window.timezone ?? 'UTC');
    const { start, end } = windowHours(window);
    return windowDays(window).has(local.weekday) && local.minutes >= start && local.minutes < end;
  });
}

const dayMs = 86_400_000;

/**
 * Whether the windows are open at `now`, and when that next changes.
 *
 * The answer can only flip where some window's local clock reaches one of
 * its boundaries, or where a zone changes offset (a window opening inside a
 * spring-forward gap opens at the jump). So every such instant over the next
 * `horizonDays` is a candidate, and the first candidate with a different
 * answer is the change; no minute-by-minute scanning.
 */
export function windowSchedule(windows: readonly WindowLike[], now: Date, horizonDays = 8): WindowSchedule {
  const open = isInsideWindows(windows, now);
  const from = now.getTime();
  const to = from + horizonDays * dayMs;
  const candidates: { at: number; timeZone: string }[] = [];
  for (const window of windows) {
    const timeZone = window.timezone ?? 'UTC';
    const { start, end } = windowHours(window);
    // Local dates from the day before (zones run up to 14 h from UTC) to past the horizon.
    // Step through local dates by calendar, not by 24 h of instants, which can skip a date across a DST change.
    const today = wallTime(now, timeZone);
    for (let day = -1; day <= horizonDays + 1; day += 1) {
      const calendar = new Date(Date.UTC(today.year, today.month - 1, today.day + day));
      const date = { year: calendar.getUTCFullYear(), month: calendar.getUTCMonth() + 1, day: calendar.getUTCDate() };
      for (const minutes of [start, end]) {
        for (const at of instantsAt(date, minutes, timeZone)) candidates.push({ at, timeZone });
      }
    }
    for (const at of offsetChanges(from, to, timeZone)) candidates.push({ at, timeZone });
  }
  candidates.sort((a, b) => a.at - b.at);
  for (const candidate of candidates) {
    if (candidate.at <= from || candidate.at > to) continue;
    if (isInsideWindows(windows, new Date(candidate.at)) !== open) {
      return { open, changesAt: new Date(candidate.at), timeZone: candidate.timeZone };
    }
  }
  return { open };
}

const weekdayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Mon 5 Jan 09:00 Europe/London`: an instant as people in that zone read it. */
export function formatLocal(instant: Date, timeZone: string): string {
  const local = wallTime(instant, timeZone);
  const hh = String(Math.floor(local.minutes / 60)).padStart(2, '0');
  const mm = String(local.minutes % 60).padStart(2, '0');
  return `${weekdayNames[local.weekday]} ${local.day} ${monthNames[local.month - 1]} ${hh}:${mm} ${timeZone}`;
}
