// The Kubernetes client's rate limit (client-go's QPS and burst) on a manual
// clock: a burst goes at once, then one request per 1/qps, in order of
// arrival; a pause (the server's Retry-After) holds every request back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from '../../src/adapters/kube/rate-limit.js';
import { ManualClock } from '../support/manual-clock.js';

/** Acquires `count` tokens at once; returns the clock time (ms from start) each was granted, in request order. */
function grantTimes(limiter: RateLimiter, clock: ManualClock, count: number): number[] {
  const start = clock.now().getTime();
  const times: number[] = new Array(count).fill(-1);
  for (let i = 0; i < count; i++) void limiter.acquire().then(() => (times[i] = clock.now().getTime() - start));
  return times;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

test('a burst goes at once, the rest one per 1/qps, in order of arrival', async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ qps: 10, burst: 3, clock });
  const times = grantTimes(limiter, clock, 6);
  await flush();
  assert.deepEqual(times, [0, 0, 0, -1, -1, -1]);
  for (let step = 0; step < 30; step++) {
    clock.advance(10);
    await flush();
  }
  assert.deepEqual(times, [0, 0, 0, 100, 200, 300]);
  assert.equal(limiter.waitedMs, 100 + 200 + 300);
});

test('tokens come back over a quiet spell, never more than the burst', async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ qps: 5, burst: 2, clock });
  grantTimes(limiter, clock, 2);
  await flush();
  clock.advance(60_000);
  const times = grantTimes(limiter, clock, 3);
  await flush();
  assert.deepEqual(times, [0, 0, -1], 'a minute of quiet refills the bucket to 2, not 300');
  clock.advance(200);
  await flush();
  assert.deepEqual(times, [0, 0, 200]);
});

test("a pause (the server's Retry-After) holds back every request until it ends, then the bucket applies again", async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ qps: 100, burst: 100, clock });
  limiter.pause(clock.now().getTime() + 2000);
  const times = grantTimes(limiter, clock, 3);
  clock.advance(1999);
  await flush();
  assert.deepEqual(times, [-1, -1, -1]);
  clock.advance(1);
  await flush();
  assert.deepEqual(times, [2000, 2000, 2000]);
  // A shorter pause asked later does not cut a longer one short.
  limiter.pause(clock.now().getTime() + 5000);
  limiter.pause(clock.now().getTime() + 1000);
  const later = grantTimes(limiter, clock, 1);
  clock.advance(4999);
  await flush();
  assert.deepEqual(later, [-1]);
  clock.advance(1);
  await flush();
  assert.deepEqual(later, [5000]);
});

test('a waiting request whose signal aborts is rejected with its reason and gives up its place', async () => {
  const clock = new ManualClock();
  const limiter = new RateLimiter({ qps: 1, burst: 1, clock });
  await limiter.acquire();
  const controller = new AbortController();
  const abandoned = limiter.acquire(controller.signal);
  const next = grantTimes(limiter, clock, 1);
  controller.abort(new Error('the deploy was stopped'));
  await assert.rejects(abandoned, /the deploy was stopped/);
  clock.advance(1000);
  await flush();
  assert.deepEqual(next, [1000], 'the next request takes the token the aborted one would have had');
  assert.throws(() => new RateLimiter({ qps: 0, burst: 1, clock }), /qps > 0 and burst >= 1/);
});

test('in-flight limit: a 429 halves what may be in flight, answers raise it again by about one per round', async () => {
  const { InFlightLimit } = await import('../../src/adapters/kube/in-flight.js');
  const limit = new InFlightLimit(16);
  for (let i = 0; i < 16; i++) await limit.acquire();
  let granted = 0;
  const waiting = Array.from({ length: 4 }, () => limit.acquire().then(() => granted++));
  limit.release(true); // 15 in flight when the 429 came back: the limit becomes (15 + 1) / 2 = 8
  assert.equal(limit.current, 8);
  for (let i = 0; i < 7; i++) limit.release(false); // 8 in flight, the limit still under 9: none of the waiting may go
  await flush();
  assert.equal(granted, 0);
  for (let i = 0; i < 8; i++) limit.release(false); // a round of answers: about one more
  await Promise.all(waiting);
  assert.equal(granted, 4);
  assert.ok(limit.current >= 9 && limit.current <= 10, `limit ${limit.current} after a round of answers`);
  const aborted = new AbortController();
  while (granted < 4 + limit.current - 4) await limit.acquire().then(() => granted++); // 4 in flight: fill up to the limit
  const blocked = limit.acquire(aborted.signal);
  aborted.abort(new Error('stopped'));
  await assert.rejects(blocked, /stopped/);
});
