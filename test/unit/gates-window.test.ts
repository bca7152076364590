import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeployWindow } from '../../src/core/config/schema.js';
import { windowGate } from '../../src/core/promotion/gates.js';
import { isInsideWindows, windowSchedule } from '../../src/core/time/window-schedule.js';
import { seededRandom } from '../support/random.js';

function window(days: string, hours: string, timezone = 'UTC'): DeployWindow {
  return { days, hours, timezone };
}

function schedule(windows: DeployWindow[], now: string): { open: boolean; changesAt?: string } {
  const result = windowSchedule(windows, new Date(now));
  return { open: result.open, ...(result.changesAt ? { changesAt: result.changesAt.toISOString() } : {}) };
}

// 2026-01-05 is a Monday. London is on GMT (UTC+0) in January and BST (UTC+1) in July.
describe('deploy window schedule', () => {
  const london = [window('mon-thu', '09:00-16:00', 'Europe/London')];

  it('is open inside the hours and closes at the end of the day', () => {
    assert.deepEqual(schedule(london, '2026-01-05T10:00:00Z'), { open: true, changesAt: '2026-01-05T16:00:00.000Z' });
  });

  it('after Thursday closing opens again on Monday', () => {
    assert.deepEqual(schedule(london, '2026-01-08T17:00:00Z'), { open: false, changesAt: '2026-01-12T09:00:00.000Z' });
  });

  it('reads the hours in the window time zone (BST in summer)', () => {
    // Monday 6 July 2026, 08:30 BST = 07:30 UTC.
    assert.deepEqual(schedule(london, '2026-07-06T07:30:00Z'), { open: false, changesAt: '2026-07-06T08:00:00.000Z' });
    assert.deepEqual(schedule(london, '2026-07-06T14:59:00Z'), { open: true, changesAt: '2026-07-06T15:00:00.000Z' });
  });

  it('the opening instant itself is inside, the closing instant outside', () => {
    assert.equal(isInsideWindows(london, new Date('2026-01-05T09:00:00Z')), true);
    assert.equal(isInsideWindows(london, new Date('2026-01-05T16:00:00Z')), false);
    assert.equal(isInsideWindows(london, new Date('2026-01-05T08:59:59Z')), false);
  });

  it('a day range wraps over the weekend (fri-mon)', () => {
    const weekend = [window('fri-mon', '00:00-24:00')];
    assert.deepEqual(schedule(weekend, '2026-01-07T12:00:00Z'), { open: false, changesAt: '2026-01-09T00:00:00.000Z' });
    assert.deepEqual(schedule(weekend, '2026-01-10T12:00:00Z'), { open: true, changesAt: '2026-01-13T00:00:00.000Z' });
  });

  it('24:00 closes at the next midnight', () => {
    assert.deepEqual(schedule([window('mon', '20:00-24:00')], '2026-01-05T21:00:00Z'), { open: true, changesAt: '2026-01-06T00:00:00.000Z' });
    assert.equal(isInsideWindows([window('mon', '20:00-24:00')], new Date('2026-01-05T23:59:59Z')), true);
  });

  it('whole days in a row stay open across midnights until the last one ends', () => {
    assert.deepEqual(schedule([window('mon-fri', '00:00-24:00')], '2026-01-05T12:00:00Z'), { open: true, changesAt: '2026-01-10T00:00:00.000Z' });
  });

  it('a list of days skips the days between', () => {
    assert.deepEqual(schedule([window('mon,wed,fri', '09:00-10:00')], '2026-01-05T11:00:00Z'), { open: false, changesAt: '2026-01-07T09:00:00.000Z' });
  });

  it('adjacent windows do not close in between', () => {
    const split = [window('mon', '09:00-12:00'), window('mon', '12:00-16:00')];
    assert.deepEqual(schedule(split, '2026-01-05T10:00:00Z'), { open: true, changesAt: '2026-01-05T16:00:00.000Z' });
  });

  it('windows in different zones: the earliest opening wins', () => {
    const both = [window('mon', '09:00-10:00', 'America/New_York'), window('mon', '09:00-10:00', 'Asia/Tokyo')];
    // Monday 09:00 in Tokyo is Monday 00:00 UTC; in New York, 14:00 UTC.
    assert.deepEqual(schedule(both, '2026-01-04T12:00:00Z'), { open: false, changesAt: '2026-01-05T00:00:00.000Z' });
    assert.deepEqual(schedule(both, '2026-01-05T01:00:00Z'), { open: false, changesAt: '2026-01-05T14:00:00.000Z' });
  });

  it('half-hour offsets (Asia/Kolkata, UTC+5:30)', () => {
    assert.deepEqual(schedule([window('mon', '09:00-10:00', 'Asia/Kolkata')], '2026-01-05T03:00:00Z'), { open: false, changesAt: '2026-01-05T03:30:00.000Z' });
  });

  it('a zone a day ahead of UTC (Pacific/Kiritimati, UTC+14) is open on its own Monday', () => {
    // Sunday 19:00 UTC is Monday 09:00 in Kiritimati.
    assert.deepEqual(schedule([window('mon', '09:00-10:00', 'Pacific/Kiritimati')], '2026-01-04T19:00:00Z'), { open: true, changesAt: '2026-01-04T20:00:00.000Z' });
  });

  it('spring forward: a window opening inside the skipped hour opens at the jump', () => {
    // London, Sunday 29 March 2026: 01:00 GMT becomes 02:00 BST at 01:00 UTC; 01:30 does not exist.
    const sunday = [window('sun', '01:30-03:00', 'Europe/London')];
    assert.deepEqual(schedule(sunday, '2026-03-28T12:00:00Z'), { open: false, changesAt: '2026-03-29T01:00:00.000Z' });
    // 03:00 BST is 02:00 UTC: an hour of window, not two.
    assert.deepEqual(schedule(sunday, '2026-03-29T01:00:00Z'), { open: true, changesAt: '2026-03-29T02:00:00.000Z' });
  });

  it('spring forward: hours after the jump use the new offset (New York)', () => {
    // Sunday 8 March 2026: 02:00 EST becomes 03:00 EDT; 09:00 EDT is 13:00 UTC, not 14:00.
    assert.deepEqual(schedule([window('sun', '09:00-17:00', 'America/New_York')], '2026-03-08T05:00:00Z'), { open: false, changesAt: '2026-03-08T13:00:00.000Z' });
  });

  it('fall back: a window inside the repeated hour opens twice', () => {
    // London, Sunday 25 October 2026: 02:00 BST becomes 01:00 GMT at 01:00 UTC, so 01:30 happens at 00:30 and 01:30 UTC.
    const repeated = [window('sun', '01:30-01:45', 'Europe/London')];
    assert.deepEqual(schedule(repeated, '2026-10-25T00:00:00Z'), { open: false, changesAt: '2026-10-25T00:30:00.000Z' });
    assert.deepEqual(schedule(repeated, '2026-10-25T00:31:00Z'), { open: true, changesAt: '2026-10-25T00:45:00.000Z' });
    assert.deepEqual(schedule(repeated, '2026-10-25T00:50:00Z'), { open: false, changesAt: '2026-10-25T01:30:00.000Z' });
  });

  it('fall back: a window spanning the change closes after the longer day', () => {
    // 00:00-03:00 London on 25 October 2026 lasts four real hours: 23:00 UTC (Sat) to 03:00 UTC.
    assert.deepEqual(schedule([window('sun', '00:00-03:00', 'Europe/London')], '2026-10-24T12:00:00Z'), { open: false, changesAt: '2026-10-24T23:00:00.000Z' });
    assert.deepEqual(schedule([window('sun', '00:00-03:00', 'Europe/London')], '2026-10-25T01:30:00Z'), { open: true, changesAt: '2026-10-25T03:00:00.000Z' });
  });

  it('agrees with a minute-by-minute walk on random windows and zones', () => {
    const random = seededRandom(4242);
    const zones = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham'];
    const dayNames = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const clock = (minutes: number): string => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    // Dates near DST changes in both hemispheres, plus ordinary ones.
    const starts = ['2026-03-27T00:00:00Z', '2026-04-03T10:00:00Z', '2026-10-02T07:00:00Z', '2026-10-23T00:00:00Z', '2026-06-10T13:37:00Z'];
    for (let round = 0; round < 10; round += 1) {
      const start = Math.floor(random() * 1380);
      const end = start + 1 + Math.floor(random() * (1440 - start - 1));
      const windows = [window(`${pick(dayNames)}-${pick(dayNames)}`, `${clock(start)}-${end === 1440 ? '24:00' : clock(end)}`, pick(zones))];
      const now = new Date(pick(starts));
      const result = windowSchedule(windows, now);
      const label = JSON.stringify({ windows, now });
      let at = now.getTime() + 60_000;
      const until = result.changesAt?.getTime() ?? now.getTime() + 8 * 86_400_000;
      for (; at < until; at += 60_000) {
        assert.equal(isInsideWindows(windows, new Date(at)), result.open, `${label} at ${new Date(at).toISOString()}`);
      }
      if (result.changesAt) assert.notEqual(isInsideWindows(windows, result.changesAt), result.open, label);
    }
  });
});

describe('window gate', () => {
  it('no windows: always open, nothing to recheck', () => {
    assert.deepEqual(windowGate({ windows: [], now: new Date('2026-01-05T10:00:00Z') }), {
      context: 'ladder/window',
      state: 'success',
      description: 'No deploy windows: always open',
    });
  });

  it('closed: pending, says when it opens in the window zone, rechecks then', () => {
    const result = windowGate({ windows: [window('mon-thu', '09:00-16:00', 'Europe/London')], now: new Date('2026-07-09T16:00:00Z') });
    assert.equal(result.state, 'pending');
    assert.equal(result.description, 'Deploy window closed; opens Mon 13 Jul 09:00 Europe/London');
    assert.equal(result.recheckAt?.toISOString(), '2026-07-13T08:00:00.000Z');
  });

  it('open: success until the closing time, rechecked then', () => {
    const result = windowGate({ windows: [window('mon-thu', '09:00-16:00', 'Europe/London')], now: new Date('2026-07-09T09:00:00Z') });
    assert.equal(result.state, 'success');
    assert.equal(result.description, 'Deploy window open until Thu 9 Jul 16:00 Europe/London');
    assert.equal(result.recheckAt?.toISOString(), '2026-07-09T15:00:00.000Z');
  });

  it('keeps descriptions within 140 characters with a long zone name', () => {
    const result = windowGate({ windows: [window('mon', '09:00-10:00', 'America/Argentina/ComodRivadavia')], now: new Date('2026-01-06T00:00:00Z') });
    assert.ok(result.description.length <= 140);
    assert.match(result.description, /^Deploy window closed; opens Mon 12 Jan 09:00/);
  });
});
