// The ladder/image gate end to end: the App against the GitHub bed and the bed's
// OCI registry with Bearer authentication on. A promotion whose image is not
// pushed yet waits (pending, not merged), then proceeds once the image appears:
// found by the scheduled recheck (injected clock), by a registry_package webhook,
// or by a workflow_run webhook of the code repository.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { createRegistryClient } from '../../src/adapters/registry/client.js';
import { parseRegistryCredentials } from '../../src/adapters/registry/credentials.js';
import { startRegistry, type Registry } from '../bed/registry/index.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { mergePull } from '../support/app-promotion.js';
import { pullState, pullsInto, statusesOn } from '../support/promotion-fixtures.js';

const minute = 60_000;
const require = createRequire(import.meta.url);

function config(registryHost: string, service: string): string {
  return [
    `service: ${service}`,
    `image: ${registryHost}/shop/${service}`,
    `manifests: { repo: shop/${service}-manifests }`,
    'environments:',
    `  - { name: dev, from: { branch: main }, namespace: ${service}-dev, autoMerge: true }`,
    '',
  ].join('\n');
}

describe('ladder/image gate', () => {
  const clock = new ManualClock(new Date());
  let registry: Registry;
  let harness: AppHarness;

  before(async () => {
    registry = await startRegistry({ auth: { scheme: 'bearer', users: { 'ladder-app': 'registry-pull-secret' } } });
    const credentials = parseRegistryCredentials(JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from('ladder-app:registry-pull-secret').toString('base64') } } }), 'test');
    harness = await startAppHarness({ clock, images: { registry: createRegistryClient({ credentials, plainHttp: new Set([registry.host]) }), recheckMs: minute } });
  });

  after(async () => {
    await harness.stop();
    await registry.stop();
  });

  async function promotionWaitingForImage(service: string) {
    const repos = await harness.createService({ service, config: config(registry.host, service) });
    const merged = await harness.mergePullRequest(repos.codeRepo, { files: { 'src/app.ts': `export const ${service.replace(/-/g, '')} = 1;\n` } });
    await harness.settled();
    const [pull] = await pullsInto(harness.github, repos.manifestRepo, 'dev');
    assert.ok(pull, 'the dev promotion PR is open');
    const statuses = await statusesOn(harness.github, repos.manifestRepo, pull.head.sha);
    assert.equal(statuses['ladder/image'], `pending: Waiting for the image to be pushed: ${registry.host}/shop/${service}:${merged.mergeSha}`);
    assert.equal(statuses['ladder/soak'], 'success: No soak: dev is fed by branch main', 'every other gate is green');
    assert.equal(statuses['ladder/lock'], 'success: Not locked');
    const state = await pullState(harness.github, repos.manifestRepo, pull.number);
    assert.deepEqual([state.state, state.merged], ['open', false], 'dev auto-merges, but not before the image exists');
    assert.ok(harness.logs.some((line) => line.includes('gates not passed: ladder/image')), 'auto-merge says why it waits');
    return { ...repos, pull, sourceSha: merged.mergeSha };
  }

  it('waits while the image is not pushed, and merges once the scheduled recheck finds it', async () => {
    const { manifestRepo, pull, sourceSha } = await promotionWaitingForImage('checkout');
    assert.equal(harness.services.gates.recheckDueAt({ owner: 'shop', repo: 'checkout-manifests' }, pull.number)?.getTime(), clock.now().getTime() + minute);

    // A recheck before the push: still pending, and no status written again.
    const mark = harness.github.requests.mark();
    clock.advance(minute);
    await harness.settled();
    assert.match((await statusesOn(harness.github, manifestRepo, pull.head.sha))['ladder/image'] ?? '', /^pending: /);
    assert.equal(harness.github.requests.count((r) => r.method === 'POST' && r.route === '/repos/{owner}/{repo}/statuses/{sha}', mark), 0);
    assert.equal((await pullState(harness.github, manifestRepo, pull.number)).merged, false);

    const pushed = registry.pushImage('shop/checkout', sourceSha);
    clock.advance(minute);
    await harness.settled();
    assert.equal((await statusesOn(harness.github, manifestRepo, pull.head.sha))['ladder/image'], `success: In the registry: ${registry.host}/shop/checkout:${sourceSha} (${pushed.digest.slice(0, 19)})`);
    const merged = await pullState(harness.github, manifestRepo, pull.number);
    assert.equal(merged.merged, true, 'auto-merged once the image is there');
    // Copied onto the merge commit, where an agent that waits for the image looks first.
    assert.match((await statusesOn(harness.github, manifestRepo, merged.mergeSha!))['ladder/image'] ?? '', /^success: In the registry/);
    // The App read the registry with a token it got with its credentials.
    assert.ok(registry.auth!.tokenRequests.some((request) => request.user === 'ladder-app' && request.scope === 'repository:shop/checkout:pull' && request.status === 200));
    assert.ok(registry.requests.some((request) => request.method === 'HEAD' && request.status === 200 && request.authorization === 'bearer'));
    harness.github.contract.assertClean();
  });

  it('proceeds at once on a registry_package webhook for the image, ignoring packages it does not wait for', async () => {
    const { manifestRepo, codeRepo, pull, sourceSha } = await promotionWaitingForImage('cart');
    const sendPackage = (name: string, tag: string) => harness.github.sendWebhook(harness.appUrl, 'registry_package', registryPackagePayload(codeRepo, name, tag));

    const mark = registry.requests.length;
    await sendPackage('cart', 'some-other-tag');
    await sendPackage('other-service', sourceSha);
    await harness.settled();
    assert.equal(registry.requests.length, mark, 'no registry lookup for packages nobody waits for');

    registry.pushImage('shop/cart', sourceSha);
    await sendPackage('cart', sourceSha);
    await harness.settled();
    assert.match((await statusesOn(harness.github, manifestRepo, pull.head.sha))['ladder/image'] ?? '', /^success: In the registry/);
    assert.equal((await pullState(harness.github, manifestRepo, pull.number)).merged, true);
    assert.equal(clock.pendingTimers().length, 0, 'no recheck left once the image is found');
    harness.github.contract.assertClean();
  });

  it('proceeds on a successful workflow_run of the code repository at the promoted commit', async () => {
    const { manifestRepo, codeRepo, pull, sourceSha } = await promotionWaitingForImage('payments');
    registry.pushImage('shop/payments', sourceSha);
    // A failed run, or a run of another commit, does not ask the registry.
    const mark = registry.requests.length;
    await harness.github.sendWebhook(harness.appUrl, 'workflow_run', workflowRunPayload(codeRepo, sourceSha, 'failure'));
    await harness.github.sendWebhook(harness.appUrl, 'workflow_run', workflowRunPayload(codeRepo, 'f'.repeat(40), 'success'));
    await harness.settled();
    assert.equal(registry.requests.length, mark);
    assert.equal((await pullState(harness.github, manifestRepo, pull.number)).merged, false);

    await harness.github.sendWebhook(harness.appUrl, 'workflow_run', workflowRunPayload(codeRepo, sourceSha, 'success'));
    await harness.settled();
    assert.match((await statusesOn(harness.github, manifestRepo, pull.head.sha))['ladder/image'] ?? '', /^success: In the registry/);
    assert.equal((await pullState(harness.github, manifestRepo, pull.number)).merged, true);
    harness.github.contract.assertClean();
  });
});

describe('ladder/image gate, a promotion merged around it', () => {
  const clock = new ManualClock(new Date());
  let registry: Registry;
  let harness: AppHarness;

  before(async () => {
    registry = await startRegistry({ auth: { scheme: 'basic', users: { 'ladder-app': 'registry-pull-secret' } } });
    const credentials = parseRegistryCredentials(JSON.stringify({ auths: { [registry.host]: { username: 'ladder-app', password: 'registry-pull-secret' } } }), 'test');
    harness = await startAppHarness({ clock, images: { registry: createRegistryClient({ credentials, plainHttp: new Set([registry.host]) }), recheckMs: minute } });
  });

  after(async () => {
    await harness.stop();
    await registry.stop();
  });

  it('writes the gate on the merge commit, pending, and success once the image is pushed, so a held agent can go on', async () => {
    const repos = await harness.createService({ service: 'search', config: config(registry.host, 'search') });
    const merged = await harness.mergePullRequest(repos.codeRepo, { files: { 'src/app.ts': 'export const search = 1;\n' } });
    await harness.settled();
    const [pull] = await pullsInto(harness.github, repos.manifestRepo, 'dev');
    assert.ok(pull);
    assert.match((await statusesOn(harness.github, repos.manifestRepo, pull.head.sha))['ladder/image'] ?? '', /^pending: Waiting for the image/);
    // A person merges around the gate (no branch protection here).
    const mergeSha = await mergePull(harness, repos.manifestRepo, pull.number);
    await harness.settled();
    assert.match((await statusesOn(harness.github, repos.manifestRepo, mergeSha))['ladder/image'] ?? '', /^pending: Waiting for the image to be pushed/);

    registry.pushImage('shop/search', merged.mergeSha);
    clock.advance(minute);
    await harness.settled();
    assert.match((await statusesOn(harness.github, repos.manifestRepo, mergeSha))['ladder/image'] ?? '', /^success: In the registry/);
    assert.equal(clock.pendingTimers().length, 0, 'nothing left to recheck');
    harness.github.contract.assertClean();
  });
});

const user = (login: string, id: number) => ({
  login, id, node_id: `U_${id}`, avatar_url: `https://avatars.example/${id}`, gravatar_id: '', url: `https://api.github.example/users/${login}`,
  html_url: `https://github.example/${login}`, followers_url: '', following_url: '', gists_url: '', starred_url: '', subscriptions_url: '',
  organizations_url: '', repos_url: '', events_url: '', received_events_url: '', type: 'User', site_admin: false,
});

/** A `registry_package` `published` delivery for a container image pushed to GitHub Packages. */
function registryPackagePayload(codeRepo: string, name: string, tag: string) {
  const digest = `sha256:${'9'.repeat(64)}`;
  return {
    action: 'published',
    registry_package: {
      id: 1, name, namespace: codeRepo.split('/')[0], description: null, ecosystem: 'CONTAINER', package_type: 'CONTAINER',
      html_url: `https://github.example/${codeRepo}/pkgs/container/${name}`, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
      owner: user('shop', 7), registry: null,
      package_version: {
        id: 2, version: digest, name: digest, description: '', summary: '', html_url: '', metadata: [], package_files: [], installation_command: '', package_url: '',
        container_metadata: { tag: { name: tag, digest } },
      },
    },
    sender: user('ci-bot', 8),
  };
}

/** A `workflow_run` `completed` delivery, from GitHub's own example, for `codeRepo` at `headSha`. */
function workflowRunPayload(codeRepo: string, headSha: string, conclusion: string) {
  const examples = require('@octokit/webhooks-examples/api.github.com/index.json') as Array<{ name: string; examples: Array<Record<string, any>> }>;
  const example = structuredClone(examples.find((e) => e.name === 'workflow_run')!.examples.find((e) => e.action === 'completed' && e.workflow_run.conclusion === 'success')!);
  example.repository = { ...example.repository, name: codeRepo.split('/')[1], full_name: codeRepo };
  example.workflow_run = { ...example.workflow_run, head_sha: headSha, conclusion };
  return example;
}
