import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientRateLimit, GrantsCache, identityTokenShapeProblem } from '../../src/app/agent-token/budget.js';
import { ManualClock } from '../support/manual-clock.js';

describe('agent-token budgets', () => {
  it('a token bucket per client: the burst, then one request per earned interval, with the seconds to wait', () => {
    const clock = new ManualClock();
    const limit = new ClientRateLimit(clock, { burst: 3, perMinute: 2, maxClients: 100 });
    for (let index = 0; index < 3; index += 1) assert.deepEqual(limit.take('a'), { allowed: true });
    assert.deepEqual(limit.take('a'), { allowed: false, retryAfterSeconds: 30 });
    clock.advance(15_000);
    assert.deepEqual(limit.take('a'), { allowed: false, retryAfterSeconds: 15 }, 'a refused request earns nothing and spends nothing');
    clock.advance(15_000);
    assert.deepEqual(limit.take('a'), { allowed: true });
    clock.advance(10 * 60_000);
    for (let index = 0; index < 3; index += 1) assert.deepEqual(limit.take('a'), { allowed: true }, 'the bucket refills to the burst, no further');
    assert.equal(limit.take('a').allowed, false);
  });

  it('remembers at most maxClients (a forgotten client starts full)', () => {
    const limit = new ClientRateLimit(new ManualClock(), { burst: 1, perMinute: 1, maxClients: 10 });
    limit.take('first');
    for (let index = 0; index < 10; index += 1) limit.take(`c${index}`);
    assert.equal(limit.take('first').allowed, true, 'forgotten');
    assert.equal(limit.take('c9').allowed, false, 'remembered');
  });

  it('the grants cache reads once for concurrent callers, keeps no failure, and forgets on demand', async () => {
    const clock = new ManualClock();
    const cache = new GrantsCache(clock, { grantsTtlMs: 1000, maxRepositories: 10 });
    let reads = 0;
    const read = async () => {
      reads += 1;
      return { installation: 1, grants: { kind: 'missing' as const } };
    };
    await Promise.all([cache.get('o/r', read), cache.get('O/R', read)]);
    assert.equal(reads, 1);
    cache.forget('o/r');
    await cache.get('o/r', read);
    assert.equal(reads, 2);
    clock.advance(1000);
    await cache.get('o/r', read);
    assert.equal(reads, 3);
    await assert.rejects(cache.get('o/x', () => Promise.reject(new Error('GitHub is down'))));
    await new Promise((resolve) => setImmediate(resolve));
    await cache.get('o/x', read);
    assert.equal(reads, 4, 'the failed read was not kept');
  });

  it('a service-account token passes the shape checks; junk does not', () => {
    const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    assert.equal(identityTokenShapeProblem(`${segment({ alg: 'RS256' })}.${segment({ iss: 'i', sub: 's', aud: 'ladder' })}.c2ln`), undefined);
    assert.match(identityTokenShapeProblem('a'.repeat(8193)) ?? '', /8193 characters/);
    assert.match(identityTokenShapeProblem('a.b.c.d') ?? '', /three base64url segments/);
    assert.match(identityTokenShapeProblem(`${segment({})}.${segment([1])}.c2ln`) ?? '', /names no issuer/);
    assert.match(identityTokenShapeProblem(`${segment({})}.${segment({ iss: 'i', sub: 's', aud: 7 })}.c2ln`) ?? '', /audience \(aud\)/);
  });
});
