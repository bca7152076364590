import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatTrailers, parseTrailers } from '../../src/core/promotion/trailers.js';
import { grantingServicesFile, startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { branchSha, commitMessageOf, pullsInto, reportDeployment } from '../support/promotion-fixtures.js';

const manifestRepo = 'shop/shared-manifests';

function config(service: string): string {
  return [
    `service: ${service}`,
    `image: registry.example.com/shop/${service}`,
    `manifests: { repo: ${manifestRepo}, path: ${service} }`,
    'environments:',
    `  - { name: dev, from: { branch: main }, namespace: ${service}-dev }`,
    `  - { name: stg, from: { environment: dev }, namespace: ${service}-stg }`,
    '',
  ].join('\n');
}

describe('promotion by deployment status in a manifest repository shared by services', () => {
  const clock = new ManualClock('2026-01-05T10:00:00Z');
  let harness: AppHarness;

  before(async () => {
    harness = await startAppHarness({ clock });
  });

  after(async () => {
    await harness.stop();
  });

  /** A Ladder commit for `service` on dev, as a merged promotion leaves it. */
  async function landOnDev(service: string, codeRepo: string): Promise<{ sha: string; image: string }> {
    const sourceSha = await branchSha(harness.github, codeRepo, 'main');
    const image = `registry.example.com/shop/${service}:${sourceSha}`;
    const message = `Promote ${service} to dev\n\n${formatTrailers({ service, environment: 'dev', sourceRepo: codeRepo, sourceSha, image })}`;
    const sha = await harness.github.seed.commitFiles(manifestRepo, 'dev', { [`${service}/deployment.yaml`]: `image: ${image}\n` }, { message, silent: true });
    return { sha, image };
  }

  const stgVersions = async () =>
    Object.fromEntries(
      (await pullsInto(harness.github, manifestRepo, 'stg')).map((pull) => [pull.head.ref, parseTrailers(commitMessageOf(harness.github, manifestRepo, pull.head.sha))?.image]),
    );

  it('one deployment carrying two services’ promotions promotes both, each with its own image', async () => {
    const checkout = await harness.createService({ service: 'checkout', manifestRepo, config: config('checkout') });
    await harness.github.createRepo('shop/cart');
    harness.github.setPermission('shop/cart', 'dev', 'write');
    await harness.github.seed.commitFiles('shop/cart', 'main', { '.github/ladder.yml': config('cart') }, { message: 'Add Ladder config', silent: true });
    // The manifest repository grants both services, each its own folder.
    const services = grantingServicesFile([checkout.codeRepo, config('checkout')], ['shop/cart', config('cart')]);
    await harness.github.seed.commitFiles(manifestRepo, 'main', { '.ladder/services.yml': services }, { message: 'Grant cart too', silent: true });

    const first = await landOnDev('checkout', checkout.codeRepo);
    await reportDeployment(harness.github, manifestRepo, { environment: 'dev', sha: first.sha, state: 'success' });
    await harness.settled();
    assert.deepEqual(await stgVersions(), { 'ladder/checkout/stg': first.image });

    // Two promotions land before the agent's next sync, which deploys both at once.
    const cart = await landOnDev('cart', 'shop/cart');
    await harness.github.seed.commitFiles(checkout.codeRepo, 'main', { 'src/app.ts': 'export const v = 2;\n' }, { message: 'v2', silent: true });
    const second = await landOnDev('checkout', checkout.codeRepo);
    await reportDeployment(harness.github, manifestRepo, { environment: 'dev', sha: second.sha, state: 'success' });
    await harness.settled();

    assert.deepEqual(await stgVersions(), { 'ladder/cart/stg': cart.image, 'ladder/checkout/stg': second.image });
    harness.github.contract.assertClean();
  });
});
