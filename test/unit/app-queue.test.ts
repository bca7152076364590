import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedQueue } from '../../src/app/queue.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedQueue', () => {
  it('runs work for one key one at a time, in order, and other keys alongside', async () => {
    const queue = new KeyedQueue();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run('a', async () => {
      events.push('a1 start');
      await gate;
      events.push('a1 end');
      return 1;
    });
    const second = queue.run('a', async () => {
      events.push('a2');
      return 2;
    });
    const other = queue.run('b', async () => {
      events.push('b1');
      return 3;
    });
    await tick();
    assert.deepEqual(events, ['a1 start', 'b1']);
    assert.equal(queue.size(), 2);
    release();
    assert.deepEqual(await Promise.all([first, second, other]), [1, 2, 3]);
    assert.deepEqual(events, ['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('keeps going after a failure, and idle() resolves once everything is done', async () => {
    const queue = new KeyedQueue();
    await queue.idle();
    const failing = queue.run('a', async () => {
      throw new Error('boom');
    });
    const next = queue.run('a', async () => 'ok');
    let idle = false;
    const waiting = queue.idle().then(() => (idle = true));
    await assert.rejects(failing, /boom/);
    assert.equal(await next, 'ok');
    await waiting;
    assert.equal(idle, true);
    assert.equal(queue.size(), 0);
  });
});
