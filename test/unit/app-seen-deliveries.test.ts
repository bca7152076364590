import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeenDeliveries } from '../../src/app/deliveries/seen-deliveries.js';
import { ManualClock } from '../support/manual-clock.js';

describe('SeenDeliveries: each delivery id is taken once, for a while, by a bounded memory', () => {
  it('a duplicate within the TTL is refused; after the TTL it is new work', () => {
    const clock = new ManualClock();
    const seen = new SeenDeliveries(clock, { ttlMs: 60_000, maxEntries: 10 });
    assert.equal(seen.take('a#1'), true);
    assert.equal(seen.take('a#1'), false);
    assert.equal(seen.take('a#2'), true, 'another handler of the same delivery is its own key');
    clock.advance(59_999);
    assert.equal(seen.take('a#1'), false);
    clock.advance(1);
    assert.equal(seen.take('a#1'), true, 'expired: a redelivery after the TTL runs');
  });

  it('a released key (its handler failed) can be taken again at once', () => {
    const seen = new SeenDeliveries(new ManualClock(), { ttlMs: 60_000, maxEntries: 10 });
    assert.equal(seen.take('b#1'), true);
    seen.release('b#1');
    assert.equal(seen.take('b#1'), true);
  });

  it('never holds more than maxEntries: the oldest go first', () => {
    const seen = new SeenDeliveries(new ManualClock(), { ttlMs: 60_000, maxEntries: 100 });
    for (let index = 0; index < 1000; index += 1) assert.equal(seen.take(`d${index}#1`), true);
    assert.equal(seen.size, 100);
    assert.equal(seen.take('d999#1'), false, 'the newest are kept');
    assert.equal(seen.take('d0#1'), true, 'the oldest were dropped');
  });

  it('expired entries are dropped as time passes, not only when the map is full', () => {
    const clock = new ManualClock();
    const seen = new SeenDeliveries(clock, { ttlMs: 1000, maxEntries: 100 });
    for (let index = 0; index < 50; index += 1) seen.take(`e${index}#1`);
    clock.advance(1000);
    seen.take('fresh#1');
    assert.equal(seen.size, 1);
  });
});
