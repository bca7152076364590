import assert from 'node:assert/strict';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectAgentGitHub } from '../../src/agent/wiring/github.js';
import { AgentMetrics } from '../../src/agent/reporting/metrics.js';
import { BranchSource, type SourceOutage } from '../../src/agent/source/branch-source.js';
import { sourceEventsFor } from '../../src/agent/wiring/alerts.js';
import { createSlackNotifier } from '../../src/adapters/slack/index.js';
import { systemClock } from '../../src/adapters/clock/clock.js';
import { startSlackReceiver } from '../bed/slack/index.js';
import { startGitHubServer, type GitHubServer } from '../bed/github/index.js';
import { startSwitchableProxy, type SwitchableProxy } from '../support/agent/switchable-proxy.js';
import { testLogger } from '../support/agent/log.js';

let github: GitHubServer;
let proxy: SwitchableProxy;
let keyPath: string;
const repo = 'shop/checkout-manifests';
const manifests = { owner: 'shop', repo: 'checkout-manifests' };

before(async () => {
  github = await startGitHubServer();
  proxy = await startSwitchableProxy(github.url);
  await github.createRepo(repo);
  await github.seed.commitFiles(repo, 'dev', { 'manifests/a.yaml': 'kind: ConfigMap\n', 'manifests/b.yaml': 'kind: Secret\n', 'README.md': '# docs\n', 'other/c.yaml': 'x: 1\n' }, { from: 'main' });
  keyPath = join(await mkdtemp(join(tmpdir(), 'ladder-agent-source-')), 'app.pem');
  await writeFile(keyPath, github.app.privateKey, { mode: 0o600 });
});
after(async () => {
  await proxy?.stop();
  await github?.stop();
});

async function newSource(apiUrl: string, events: { down: SourceOutage[]; up: SourceOutage[] }, outageAfterFailures = 2) {
  const metrics = new AgentMetrics();
  const agentGitHub = await connectAgentGitHub(
    { apiUrl, appId: github.app.id, installationId: github.installations.idFor(repo), privateKeyPath: keyPath },
    { onRequest: () => metrics.githubRequestsTotal++, retryAfterBaseValue: 5 },
  );
  const source = new BranchSource(agentGitHub.manifestRepo(manifests), {
    branch: 'dev',
    path: 'manifests',
    metrics,
    log: testLogger(),
    outageAfterFailures,
    events: { unreachable: (o) => void events.down.push(o), recovered: (o) => void events.up.push(o) },
  });
  return { source, metrics };
}

describe('agent source: following the environment branch', () => {
  it('gives up on a GitHub that accepts the connection but never answers, instead of hanging the loop', async () => {
    const held = new Set<Socket>();
    const silent = createServer((socket) => void held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const agentGitHub = await connectAgentGitHub({ apiUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, token: 'ghs_test' }, { requestTimeoutMs: 500 });
      const source = new BranchSource(agentGitHub.manifestRepo(manifests), { branch: 'dev', path: 'manifests', metrics: new AgentMetrics(), log: testLogger() });
      const started = Date.now();
      const result = await Promise.race([source.poll(), new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 5000).unref())]);
      assert.ok(result !== 'hung', 'the poll still waits after 5 s');
      assert.equal(result.kind, 'failed');
      assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });

  it('reads the manifests under the path, and an unchanged branch is a 304 that costs no rate limit', async () => {
    const { source, metrics } = await newSource(github.url, { down: [], up: [] });
    const first = await source.poll();
    assert.equal(first.kind, 'changed');
    assert.deepEqual(first.snapshot?.files.map((f) => f.path), ['manifests/a.yaml', 'manifests/b.yaml']);
    assert.equal(first.snapshot?.files[0]?.content, 'kind: ConfigMap\n');
    assert.equal(source.wasRead(), true);

    const key = `installation:${github.installations.idFor(repo)}`;
    const used = github.rateLimitUsed(key);
    const mark = github.requests.mark();
    for (let i = 0; i < 5; i++) assert.equal((await source.poll()).kind, 'unchanged');
    const polls = github.requests.since(mark);
    assert.equal(polls.length, 5);
    assert.ok(polls.every((r) => r.status === 304 && r.route === '/repos/{owner}/{repo}/commits/{ref}'), JSON.stringify(polls.map((r) => [r.route, r.status])));
    assert.equal(github.rateLimitUsed(key), used, 'a 304 must not be charged');
    assert.ok(metrics.githubRequestsTotal >= 8);
    github.contract.assertClean();
  });

  it('on a new commit fetches only the blobs that changed', async () => {
    const { source } = await newSource(github.url, { down: [], up: [] });
    await source.poll();
    const sha = await github.seed.commitFiles(repo, 'dev', { 'manifests/b.yaml': 'kind: Secret\nchanged: true\n', 'manifests/d.yml': 'kind: Service\n', 'manifests/a.yaml': null, 'manifests/.github/workflows/ci.yml': 'on: push\n' });
    const mark = github.requests.mark();
    const result = await source.poll();
    assert.equal(result.kind, 'changed');
    assert.equal(result.snapshot?.commit, sha);
    assert.deepEqual(result.snapshot?.files.map((f) => f.path), ['manifests/b.yaml', 'manifests/d.yml']);
    assert.equal(github.requests.count('GET /repos/{owner}/{repo}/git/blobs/{file_sha}', mark), 2);
    assert.equal(github.requests.count('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', mark), 1);
    github.contract.assertClean();
  });

  it('keeps serving the last good commit while GitHub is unreachable, with one outage event and one recovery', async () => {
    const events = { down: [] as SourceOutage[], up: [] as SourceOutage[] };
    const { source, metrics } = await newSource(proxy.url, events);
    const good = await source.poll();
    assert.equal(good.kind, 'changed');
    proxy.setDown(true);
    for (let i = 0; i < 6; i++) {
      const result = await source.poll();
      assert.equal(result.kind, 'failed');
      assert.equal(result.snapshot?.commit, good.snapshot?.commit, 'the last good commit is still served');
    }
    assert.equal(events.down.length, 1, 'one outage, one event');
    assert.equal(events.down[0]?.servingCommit, good.snapshot?.commit);
    assert.match(events.down[0]?.reason ?? '', /ECONNRESET|ECONNREFUSED|network|socket|fetch failed/i);
    assert.equal(metrics.sourceErrorsTotal, 6);
    assert.equal(metrics.sourceUnreachable, 1);
    assert.match(metrics.render(), /^ladder_source_unreachable 1$/m);
    assert.equal(events.up.length, 0);

    proxy.setDown(false);
    assert.equal((await source.poll()).kind, 'unchanged');
    assert.equal((await source.poll()).kind, 'unchanged');
    assert.equal(events.up.length, 1, 'one recovery event');
    assert.equal(metrics.sourceUnreachable, 0);

    // A second outage is a new incident.
    proxy.setDown(true);
    for (let i = 0; i < 3; i++) await source.poll();
    proxy.setDown(false);
    await source.poll();
    assert.equal(events.down.length, 2);
    assert.equal(events.up.length, 2);
  });

  it('a single failed poll is not an outage', async () => {
    const events = { down: [] as SourceOutage[], up: [] as SourceOutage[] };
    const { source } = await newSource(github.url, events, 3);
    await source.poll();
    github.faults.add({ route: 'GET /repos/{owner}/{repo}/commits/{ref}', status: 502, times: 2 });
    await source.poll();
    await source.poll();
    await source.poll();
    assert.equal(events.down.length, 0);
    assert.equal(events.up.length, 0);
  });

  it('sends one Slack message per outage and one when GitHub is back, however many polls fail', async () => {
    const slack = await startSlackReceiver({ channels: ['ladder-alerts'] });
    try {
      const alerts = createSlackNotifier({ webhookUrl: slack.webhookUrl }, { clock: systemClock, repository: repo });
      const metrics = new AgentMetrics();
      const agentGitHub = await connectAgentGitHub({ apiUrl: proxy.url, appId: github.app.id, installationId: github.installations.idFor(repo), privateKeyPath: keyPath }, { retryAfterBaseValue: 5 });
      const source = new BranchSource(agentGitHub.manifestRepo(manifests), {
        branch: 'dev', path: 'manifests', metrics, log: testLogger(), outageAfterFailures: 3,
        events: sourceEventsFor(alerts, 'dev', 'dev'),
      });
      const good = await source.poll();
      proxy.setDown(true);
      for (let i = 0; i < 10; i++) await source.poll();
      proxy.setDown(false);
      for (let i = 0; i < 3; i++) await source.poll();
      await alerts.flush();
      const messages = slack.messages('ladder-alerts').map((m) => m.text ?? '');
      assert.equal(messages.length, 2, messages.join('\n'));
      assert.match(messages[0]!, /Source unreachable for dev: shop\/checkout-manifests@dev/);
      assert.match(JSON.stringify(slack.messages('ladder-alerts')[0]!.blocks), new RegExp(`Still serving .*${good.snapshot!.commit.slice(0, 7)}`));
      assert.doesNotMatch(messages[1]!, /unreachable/i);
      assert.deepEqual(slack.violations, []);
      await alerts.close();
    } finally {
      proxy.setDown(false);
      await slack.stop();
    }
  });
});

describe('agent source: a tree GitHub truncates', () => {
  it('is read whole by walking its subtrees: no source error, no partial set', async () => {
    // GitHub cuts a recursive tree at 100,000 entries or 7 MB; this bed at 12 entries.
    const large = await startGitHubServer({ trees: { maxEntries: 12 } });
    try {
      const name = 'shop/large-manifests';
      await large.createRepo(name);
      const files: Record<string, string> = { 'README.md': '# docs\n' };
      for (const service of ['api', 'web', 'worker']) {
        for (let i = 0; i < 6; i++) files[`manifests/${service}/cm-${i}.yaml`] = `kind: ConfigMap\nmetadata:\n  name: ${service}-${i}\n`;
        files[`manifests/${service}/deep/a/b/secret.yaml`] = 'kind: Secret\n';
      }
      const sha = await large.seed.commitFiles(name, 'dev', files, { from: 'main' });
      const key = join(await mkdtemp(join(tmpdir(), 'ladder-agent-large-')), 'app.pem');
      await writeFile(key, large.app.privateKey, { mode: 0o600 });
      const agentGitHub = await connectAgentGitHub({ apiUrl: large.url, appId: large.app.id, installationId: large.installations.idFor(name), privateKeyPath: key });
      const metrics = new AgentMetrics();
      const source = new BranchSource(agentGitHub.manifestRepo({ owner: 'shop', repo: 'large-manifests' }), { branch: 'dev', path: 'manifests', metrics, log: testLogger() });
      const mark = large.requests.mark();
      const result = await source.poll();
      assert.equal(result.kind, 'changed', result.kind === 'failed' ? result.error?.message : '');
      assert.equal(result.snapshot?.commit, sha);
      const expected = Object.keys(files).filter((p) => p.startsWith('manifests/')).sort();
      assert.deepEqual(result.snapshot?.files.map((f) => f.path), expected);
      assert.equal(metrics.sourceErrorsTotal, 0);
      // The whole-tree answer was truncated, so the walk went down: more than one tree request.
      assert.ok(large.requests.count('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', mark) > 1);
      // The commit's blob ids too (what the App's promotion reads).
      const { blobs } = await agentGitHub.manifestRepo({ owner: 'shop', repo: 'large-manifests' }).readBlobIds(sha);
      assert.deepEqual([...blobs.keys()].sort(), Object.keys(files).sort());
      large.contract.assertClean();
    } finally {
      await large.stop();
    }
  });
});
