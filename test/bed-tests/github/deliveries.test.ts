import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { before, describe, it } from 'node:test';
import { verify } from '@octokit/webhooks-methods';
import { startGitHubServer, type DeliveryOptions, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit } from '../../bed/github/clients.js';

interface Arrival {
  id: string;
  context: string;
  body: string;
  signature: string;
}

/** A webhook endpoint that answers slowly and records arrivals and how many were in flight at once. */
async function slowEndpoint(delayMs: number) {
  const arrivals: Arrival[] = [];
  let active = 0;
  let maxActive = 0;
  const server: Server = createServer((req, res) => {
    active += 1;
    maxActive = Math.max(maxActive, active);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const payload = JSON.parse(body) as { context?: string };
      arrivals.push({ id: String(req.headers['x-github-delivery']), context: payload.context ?? '', body, signature: String(req.headers['x-hub-signature-256']) });
      setTimeout(() => {
        active -= 1;
        res.writeHead(200).end('ok');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    arrivals,
    maxActive: () => maxActive,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}

/** Raises `count` status events in a burst and returns what arrived, in arrival order. */
async function raiseBurst(deliveries: DeliveryOptions, count: number) {
  const github = await startGitHubServer({ deliveries });
  const endpoint = await slowEndpoint(15);
  try {
    github.webhooks.url = endpoint.url;
    await github.createRepo('shop/hooks');
    const sha = (await installationOctokit(github, 'shop/hooks').rest.repos.getBranch({ owner: 'shop', repo: 'hooks', branch: 'main' })).data.commit.sha;
    const app = installationOctokit(github, 'shop/hooks');
    // Raised in a burst, as a busy repository raises them.
    await Promise.all(Array.from({ length: count }, (_, i) => app.rest.repos.createCommitStatus({ owner: 'shop', repo: 'hooks', sha, state: 'success', context: `ci/${i}` })));
    await github.webhooks.settled();
    const raised = github.webhooks.emitted.map((e) => (e.payload as { context: string }).context);
    return { arrivals: [...endpoint.arrivals], raised, maxActive: endpoint.maxActive(), github, secret: github.app.webhookSecret };
  } finally {
    await endpoint.close();
    await github.stop();
  }
}

describe('GitHub server: webhook deliveries as GitHub makes them (out of order, twice, concurrently), from a seed', () => {
  const count = 40;
  let shuffled: Awaited<ReturnType<typeof raiseBurst>>;

  before(async () => {
    // A wider window than the default 25 ms, so a slow machine still raises the burst within it.
    shuffled = await raiseBurst({ seed: 'fixed-seed', maxDelayMs: 100 }, count);
  });

  it('delivers events raised together out of order', () => {
    const firsts = shuffled.arrivals.filter((a, i, all) => all.findIndex((b) => b.id === a.id) === i).map((a) => a.context);
    assert.deepEqual([...firsts].sort(), Array.from({ length: count }, (_, i) => `ci/${i}`).sort(), 'every event arrives');
    assert.notDeepEqual(firsts, shuffled.raised, 'not in the order raised');
  });

  it('delivers some events twice with the same delivery id and the same signed bytes', async () => {
    const byId = groupBy(shuffled.arrivals, (a) => a.id);
    const twice = [...byId.values()].filter((copies) => copies.length > 1);
    assert.ok(twice.length > 0 && twice.length < count, `${twice.length} of ${count} came twice`);
    for (const copies of twice) {
      assert.equal(copies.length, 2);
      assert.equal(copies[0]!.body, copies[1]!.body);
      assert.ok(await verify(shuffled.secret, copies[1]!.body, copies[1]!.signature), 'a duplicate is signed like the original');
    }
    const record = shuffled.github.webhooks.deliveries.find((d) => d.id === twice[0]![0]!.id);
    assert.deepEqual(record?.attempts.map((a) => Boolean(a.duplicate)), [false, true], 'the delivery log marks the duplicate');
  });

  it('has two deliveries in flight at once', () => {
    assert.equal(shuffled.maxActive, 2);
  });

  it('makes the same choices again from the same seed', async () => {
    const again = await raiseBurst({ seed: 'fixed-seed', maxDelayMs: 100 }, count);
    // The choices are drawn per event in the order events are raised: compare by that position.
    const duplicated = (run: typeof shuffled) =>
      [...groupBy(run.arrivals, (a) => a.context)].filter(([, copies]) => copies.length > 1).map(([context]) => run.raised.indexOf(context)).sort((a, b) => a - b);
    assert.deepEqual(duplicated(again), duplicated(shuffled));
    const other = await raiseBurst({ seed: 'another-seed', maxDelayMs: 100 }, count);
    assert.notDeepEqual(duplicated(other), duplicated(shuffled));
  });

  it('delivers in order, once and one at a time for a test that says why it needs that', async () => {
    const plain = await raiseBurst({ inOrder: 'this test checks the opt-out itself' }, 10);
    assert.deepEqual(plain.arrivals.map((a) => a.context), plain.raised);
    assert.equal(plain.maxActive, 1);
    await assert.rejects(startGitHubServer({ deliveries: { inOrder: ' ' } }), /needs the reason/);
  });

  it('turns duplicates off for a while, with a reason', async () => {
    const github: GitHubServer = await startGitHubServer({ deliveries: { seed: 'fixed-seed', duplicateRate: 1 } });
    const endpoint = await slowEndpoint(0);
    try {
      github.webhooks.url = endpoint.url;
      assert.throws(() => github.webhooks.withoutDuplicates(''), /reason/);
      await github.createRepo('shop/once');
      const app = installationOctokit(github, 'shop/once');
      const sha = (await app.rest.repos.getBranch({ owner: 'shop', repo: 'once', branch: 'main' })).data.commit.sha;
      const restore = github.webhooks.withoutDuplicates('this test counts deliveries');
      await app.rest.repos.createCommitStatus({ owner: 'shop', repo: 'once', sha, state: 'success', context: 'once' });
      await github.webhooks.settled();
      restore();
      await app.rest.repos.createCommitStatus({ owner: 'shop', repo: 'once', sha, state: 'success', context: 'twice' });
      await github.webhooks.settled();
      assert.deepEqual(endpoint.arrivals.map((a) => a.context), ['once', 'twice', 'twice']);
      github.contract.assertClean();
    } finally {
      await endpoint.close();
      await github.stop();
    }
  });
});
