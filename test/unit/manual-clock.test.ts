import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemClock } from '../../src/adapters/clock/clock.js';
import { ManualClock } from '../support/manual-clock.js';

describe('ManualClock', () => {
  it('fires due timers in time order, each seeing its own time', () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    const fired: string[] = [];
    clock.setTimer(new Date('2026-01-05T10:30:00Z'), () => fired.push(`b ${clock.now().toISOString()}`));
    clock.setTimer(new Date('2026-01-05T10:10:00Z'), () => fired.push(`a ${clock.now().toISOString()}`));
    clock.setTimer(new Date('2026-01-05T11:00:00Z'), () => fired.push('c'));
    clock.advance(45 * 60_000);
    assert.deepEqual(fired, ['a 2026-01-05T10:10:00.000Z', 'b 2026-01-05T10:30:00.000Z']);
    assert.equal(clock.now().toISOString(), '2026-01-05T10:45:00.000Z');
    assert.deepEqual(clock.pendingTimers().map((d) => d.toISOString()), ['2026-01-05T11:00:00.000Z']);
  });

  it('cancelled timers never fire; timers set while firing fire in the same step when due', () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    const fired: string[] = [];
    clock.setTimer(new Date('2026-01-05T10:05:00Z'), () => fired.push('cancelled')).cancel();
    clock.setTimer(new Date('2026-01-05T10:01:00Z'), () => {
      fired.push('first');
      clock.setTimer(new Date('2026-01-05T10:02:00Z'), () => fired.push('chained'));
    });
    clock.set('2026-01-05T10:10:00Z');
    assert.deepEqual(fired, ['first', 'chained']);
  });

  it('a timer in the past fires on the next move; the clock never goes back', () => {
    const clock = new ManualClock('2026-01-05T10:00:00Z');
    let fired = 0;
    clock.setTimer(new Date('2026-01-01T00:00:00Z'), () => (fired += 1));
    clock.advance(0);
    assert.equal(fired, 1);
    assert.throws(() => clock.set('2026-01-01T00:00:00Z'), /cannot go back/);
  });
});

describe('systemClock', () => {
  it('runs a timer at its time, and not after cancel', async () => {
    const fired: string[] = [];
    const start = Date.now();
    systemClock.setTimer(new Date(start + 30), () => fired.push('due'));
    systemClock.setTimer(new Date(start + 10), () => fired.push('cancelled')).cancel();
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.deepEqual(fired, ['due']);
    assert.ok(Math.abs(systemClock.now().getTime() - Date.now()) < 1000);
  });
});
