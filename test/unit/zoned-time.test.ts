import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { instantsAt, offsetAt, offsetChanges, wallTime } from '../../src/core/time/zoned.js';

const iso = (instants: number[]): string[] => instants.map((instant) => new Date(instant).toISOString());

describe('zoned time', () => {
  it('reads wall time and weekday in a zone', () => {
    assert.deepEqual(wallTime(new Date('2026-01-04T19:30:00Z'), 'Pacific/Kiritimati'), { year: 2026, month: 1, day: 5, weekday: 1, minutes: 9 * 60 + 30 });
    assert.deepEqual(wallTime(new Date('2026-01-05T00:00:00Z'), 'UTC'), { year: 2026, month: 1, day: 5, weekday: 1, minutes: 0 });
    assert.equal(offsetAt(Date.parse('2026-07-01T00:00:00Z'), 'Europe/London'), 3_600_000);
    assert.equal(offsetAt(Date.parse('2026-01-01T00:00:00Z'), 'Asia/Kolkata'), 5.5 * 3_600_000);
  });

  it('a local time happens once, never (spring gap) or twice (autumn overlap)', () => {
    assert.deepEqual(iso(instantsAt({ year: 2026, month: 1, day: 5 }, 9 * 60, 'Europe/London')), ['2026-01-05T09:00:00.000Z']);
    assert.deepEqual(instantsAt({ year: 2026, month: 3, day: 29 }, 90, 'Europe/London'), []);
    assert.deepEqual(iso(instantsAt({ year: 2026, month: 10, day: 25 }, 90, 'Europe/London')), ['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']);
    assert.deepEqual(iso(instantsAt({ year: 2026, month: 1, day: 5 }, 1440, 'UTC')), ['2026-01-06T00:00:00.000Z']);
  });

  it('finds offset changes to the second', () => {
    assert.deepEqual(iso(offsetChanges(Date.parse('2026-03-20T00:00:00Z'), Date.parse('2026-04-05T00:00:00Z'), 'Europe/London')), ['2026-03-29T01:00:00.000Z']);
    assert.deepEqual(iso(offsetChanges(Date.parse('2026-10-30T00:00:00Z'), Date.parse('2026-11-05T00:00:00Z'), 'America/New_York')), ['2026-11-01T06:00:00.000Z']);
    assert.deepEqual(offsetChanges(Date.parse('2026-01-01T00:00:00Z'), Date.parse('2026-01-09T00:00:00Z'), 'Asia/Tokyo'), []);
  });
});
