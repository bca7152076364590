import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecheckScheduler } from '../../src/app/gates/scheduler.js';
import { ManualClock } from '../support/manual-clock.js';

describe('recheck scheduler', () => {
  it('keeps one timer per key: rescheduling replaces, undefined cancels', () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    const scheduler = new RecheckScheduler(clock);
    const fired: string[] = [];
    scheduler.schedule('pr-1', new Date('2026-01-05T11:00:00Z'), () => fired.push('pr-1 at 11'));
    scheduler.schedule('pr-1', new Date('2026-01-05T10:30:00Z'), () => fired.push('pr-1 at 10:30'));
    scheduler.schedule('pr-2', new Date('2026-01-05T10:15:00Z'), () => fired.push('pr-2'));
    scheduler.schedule('pr-2', undefined, () => fired.push('never'));
    assert.equal(scheduler.size(), 1);
    assert.equal(scheduler.dueAt('pr-1')?.toISOString(), '2026-01-05T10:30:00.000Z');

    clock.advance(2 * 3_600_000);
    assert.deepEqual(fired, ['pr-1 at 10:30']);
    assert.equal(scheduler.size(), 0, 'a fired timer is forgotten');
  });

  it('the same time again keeps the timer; a timer may schedule its key anew', () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    const scheduler = new RecheckScheduler(clock);
    let runs = 0;
    const recheck = (): void => {
      runs += 1;
      if (runs < 3) scheduler.schedule('pr', new Date(clock.now().getTime() + 60_000), recheck);
    };
    scheduler.schedule('pr', new Date('2026-01-05T10:01:00Z'), recheck);
    scheduler.schedule('pr', new Date('2026-01-05T10:01:00Z'), () => assert.fail('replaced a timer for the same instant'));
    clock.advance(10 * 60_000);
    assert.equal(runs, 3);
    assert.equal(scheduler.size(), 0);
  });
});
