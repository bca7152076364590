import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Debouncer, type Debounced } from '../../src/agent/drift/debounce.js';
import { ManualClock } from '../support/manual-clock.js';

type Item = Debounced & { name: string };
const timing = { quietMs: 300, maxDelayMs: 1500 };

function setup() {
  const clock = new ManualClock();
  const due: string[] = [];
  const debouncer = new Debouncer<Item>(clock, (item) => due.push(item.name));
  return { clock, due, debouncer };
}

describe('drift debouncer', () => {
  it('hands an item over once its events have been quiet, with one timer for many items', () => {
    const { clock, due, debouncer } = setup();
    const items = Array.from({ length: 1000 }, (_, i): Item => ({ name: `o${i}` }));
    for (const item of items) debouncer.mark(item, timing);
    assert.equal(clock.pendingTimers().length, 1, 'one timer, not one per object');
    clock.advance(299);
    assert.equal(due.length, 0);
    clock.advance(1);
    assert.equal(due.length, 1000);
    assert.ok(items.every((item) => item.dueAt === undefined && item.firstDirtyAt === undefined));
  });

  it('a burst that never goes quiet is handed over at the latest maxDelayMs after its first event', () => {
    const { clock, due, debouncer } = setup();
    const item: Item = { name: 'busy' };
    for (let t = 0; t < 1500; t += 200) {
      debouncer.mark(item, timing);
      clock.advance(200);
    }
    assert.deepEqual(due, ['busy']);
    assert.ok(clock.now().getTime() - Date.parse('2026-01-05T10:00:00Z') <= 1600);
  });

  it('a later retry delay is honoured; forget and clear drop pending items', () => {
    const { clock, due, debouncer } = setup();
    const retry: Item = { name: 'retry' };
    const stale: Item = { name: 'stale' };
    const dropped: Item = { name: 'dropped' };
    debouncer.mark(retry, { ...timing, delayMs: 5000 });
    debouncer.mark(stale, timing);
    debouncer.forget((item) => item !== stale);
    clock.advance(4999);
    assert.deepEqual(due, []);
    clock.advance(1);
    assert.deepEqual(due, ['retry']);
    debouncer.mark(dropped, timing);
    debouncer.clear();
    clock.advance(10_000);
    assert.deepEqual(due, ['retry']);
    assert.equal(dropped.dueAt, undefined);
  });
});
