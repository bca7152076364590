import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { openHandMadePromotion, pullState, statusesOn } from '../support/promotion-fixtures.js';

const config = [
  'service: checkout',
  'image: registry.example.com/shop/checkout',
  'manifests: { repo: shop/checkout-manifests }',
  'environments:',
  '  - { name: dev, from: { branch: main }, namespace: checkout-dev, autoMerge: true }',
  '  - { name: stg, from: { environment: dev }, namespace: checkout-stg, soak: 1h }',
  '  - name: prd',
  '    from: { environment: stg }',
  '    namespace: checkout',
  '    windows: [{ days: mon-fri, hours: "09:00-17:00", timezone: UTC }]',
  '',
].join('\n');

describe('gates on rollback pull requests', () => {
  // Saturday: prd's window is closed.
  const clock = new ManualClock('2026-01-10T12:00:00Z');
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ clock });
  });

  after(async () => {
    await harness.stop();
  });

  it('get the statuses protection requires: no soak, but the window and the lock still apply', async () => {
    const repos = await harness.createService({ config });
    const image = 'registry.example.com/shop/checkout:3333333333333333333333333333333333333333';
    const stg = await openHandMadePromotion(harness.github, { ...repos, service: 'checkout', environment: 'stg', image, rollback: true });
    const prd = await openHandMadePromotion(harness.github, { ...repos, service: 'checkout', environment: 'prd', image, rollback: true });
    await harness.settled();

    assert.deepEqual(await statusesOn(harness.github, repos.manifestRepo, stg.headSha), {
      'ladder/soak': 'success: Rollback: restores an earlier version, no soak',
      'ladder/window': 'success: No deploy windows: always open',
      'ladder/lock': 'success: Not locked',
    });
    assert.deepEqual(await statusesOn(harness.github, repos.manifestRepo, prd.headSha), {
      'ladder/soak': 'success: Rollback: restores an earlier version, no soak',
      'ladder/window': 'pending: Deploy window closed; opens Mon 12 Jan 09:00 UTC',
      'ladder/lock': 'success: Not locked',
    });
    assert.equal((await pullState(harness.github, repos.manifestRepo, stg.number)).state, 'open', 'stg merges by review');
  });
});
