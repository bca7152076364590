import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lockGate, nextRecheck, sameImage, soakGate, type UpstreamDeployment } from '../../src/core/promotion/gates.js';
import { parseDuration } from '../../src/core/time/duration.js';

const image = 'registry.example.com/shop/checkout:0123456789abcdef0123456789abcdef01234567';
const digest = '@sha256:' + 'a'.repeat(64);
const stg = { name: 'stg', from: { environment: 'dev' }, soak: '30m' };
const deployedAt = new Date('2026-01-05T10:00:00Z');

function upstream(overrides: Partial<UpstreamDeployment> = {}): UpstreamDeployment {
  return { image, state: 'success', at: deployedAt, ...overrides };
}

function at(minutesAfterDeploy: number): Date {
  return new Date(deployedAt.getTime() + minutesAfterDeploy * 60_000);
}

describe('soak gate', () => {
  it('pending while soaking, with the end as the recheck time', () => {
    const result = soakGate({ environment: stg, image, upstream: upstream(), now: at(10) });
    assert.equal(result.state, 'pending');
    assert.equal(result.description, 'Soaking until 2026-01-05T10:30:00Z: dev healthy since 2026-01-05T10:00:00Z, soak 30m');
    assert.equal(result.recheckAt?.toISOString(), '2026-01-05T10:30:00.000Z');
  });

  it('describes the same state the same way at any later time (no status rewritten)', () => {
    assert.equal(soakGate({ environment: stg, image, upstream: upstream(), now: at(1) }).description, soakGate({ environment: stg, image, upstream: upstream(), now: at(29) }).description);
    assert.equal(soakGate({ environment: stg, image, upstream: upstream(), now: at(30) }).description, soakGate({ environment: stg, image, upstream: upstream(), now: at(300) }).description);
  });

  it('success once the soak time has passed, exactly at the end', () => {
    const result = soakGate({ environment: stg, image, upstream: upstream(), now: at(30) });
    assert.deepEqual(result, { context: 'ladder/soak', state: 'success', description: 'dev healthy since 2026-01-05T10:00:00Z (soak 30m)' });
  });

  it('failure when the upstream latest deployment failed, with its reason', () => {
    const result = soakGate({ environment: stg, image, upstream: upstream({ state: 'failure', description: 'Deployment/checkout: rollout timed out' }), now: at(60) });
    assert.equal(result.state, 'failure');
    assert.equal(result.description, "dev's latest deployment failed: Deployment/checkout: rollout timed out");
    assert.equal(result.recheckAt, undefined);
  });

  it('error counts as failure', () => {
    assert.equal(soakGate({ environment: stg, image, upstream: upstream({ state: 'error' }), now: at(60) }).state, 'failure');
  });

  it('pending while upstream is still deploying, or has not reported', () => {
    assert.equal(soakGate({ environment: stg, image, upstream: upstream({ state: 'in_progress' }), now: at(60) }).description, 'Waiting for dev: its latest deployment is in progress');
    assert.equal(soakGate({ environment: stg, image, upstream: undefined, now: at(60) }).description, 'Waiting for dev to report a deployment');
  });

  it('pending when upstream now runs another image', () => {
    const result = soakGate({ environment: stg, image, upstream: upstream({ image: image.replace('0123', '9999') }), now: at(60) });
    assert.equal(result.state, 'pending');
    assert.match(result.description, /another image/);
  });

  it('no soak configured: success as soon as upstream runs the image', () => {
    const result = soakGate({ environment: { name: 'stg', from: { environment: 'dev' } }, image, upstream: upstream(), now: deployedAt });
    assert.deepEqual(result, { context: 'ladder/soak', state: 'success', description: 'dev deployed this image successfully' });
    // Even when GitHub's clock runs ahead of the App's.
    assert.equal(soakGate({ environment: { name: 'stg', from: { environment: 'dev' } }, image, upstream: upstream(), now: at(-5) }).state, 'success');
  });

  it('branch-mapped environments have no soak', () => {
    const result = soakGate({ environment: { name: 'dev', from: { branch: 'main' } }, image, upstream: undefined, now: deployedAt });
    assert.deepEqual(result, { context: 'ladder/soak', state: 'success', description: 'No soak: dev is fed by branch main' });
  });

  it('long failure reasons are clipped to 140 characters', () => {
    const result = soakGate({ environment: stg, image, upstream: upstream({ state: 'failure', description: 'x'.repeat(300) }), now: at(1) });
    assert.equal(result.description.length, 140);
    assert.ok(result.description.endsWith('…'));
  });
});

describe('same image', () => {
  it('compares digests when both have one, else name and tag', () => {
    assert.equal(sameImage(image + digest, image + digest), true);
    assert.equal(sameImage(image + digest, image + '@sha256:' + 'b'.repeat(64)), false);
    assert.equal(sameImage(image, image + digest), true);
    assert.equal(sameImage(image, image.replace(/:.*$/, ':other')), false);
  });
});

describe('lock gate', () => {
  it('success without a lock; failure naming who locked it and why', () => {
    assert.deepEqual(lockGate(undefined), { context: 'ladder/lock', state: 'success', description: 'Not locked' });
    assert.deepEqual(lockGate({ by: 'octocat', reason: 'incident 42' }), { context: 'ladder/lock', state: 'failure', description: 'Locked by octocat: incident 42' });
  });
});

describe('next recheck', () => {
  it('is the earliest recheck time of the results', () => {
    const early = new Date('2026-01-05T10:00:00Z');
    const late = new Date('2026-01-06T10:00:00Z');
    assert.equal(
      nextRecheck([
        { context: 'ladder/soak', state: 'pending', description: '', recheckAt: late },
        { context: 'ladder/lock', state: 'success', description: '' },
        { context: 'ladder/window', state: 'pending', description: '', recheckAt: early },
      ]),
      early,
    );
    assert.equal(nextRecheck([{ context: 'ladder/lock', state: 'success', description: '' }]), undefined);
  });
});

describe('durations', () => {
  it('parse, and refuse what is not one', () => {
    assert.equal(parseDuration('30m'), 1_800_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('2d'), 172_800_000);
    assert.equal(parseDuration('1500ms'), 1_500);
    assert.throws(() => parseDuration('30 minutes'), /not a duration: '30 minutes'/);
    assert.throws(() => parseDuration(''), /not a duration/);
  });
});
