// The agent's /metrics as Prometheus reads it: a real Prometheus scrapes the
// agent on loopback, and PromQL over its HTTP API returns the series
// docs/agent.md promises, with the values the agent's work gave them. (The
// App serves no /metrics yet, so there is nothing of it to scrape.)
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKubeClient, type KubeClient } from '../../src/adapters/kube/client.js';
import { agentConfigSchema } from '../../src/agent/wiring/config.js';
import { startAgent, type RunningAgent } from '../../src/agent/main.js';
import { startGitHubServer, type GitHubServer } from '../bed/github/index.js';
import { startControlPlane, type ControlPlane } from '../bed/kube/control-plane.js';
import { applyDeployRbac } from '../support/agent/deploy-rbac.js';
import { eventually, testLogger } from '../support/agent/log.js';
import { startPrometheus, type Prometheus } from '../support/prometheus.js';

const repo = 'shop/metrics-manifests';

let cluster: ControlPlane;
let github: GitHubServer;
let admin: KubeClient;
let agent: RunningAgent | undefined;
let prometheus: Prometheus | undefined;
before(async () => {
  [cluster, github] = await Promise.all([startControlPlane(), startGitHubServer()]);
  admin = createKubeClient(cluster.kubeConfig);
});
after(async () => {
  await prometheus?.stop();
  await agent?.stop();
  admin?.close();
  await Promise.all([cluster?.stop(), github?.stop()]);
});

describe('the agent scraped by Prometheus', () => {
  it('exposes series PromQL can read: up, applies, the applied commit, leadership, request counts', async () => {
    const ns = await cluster.newNamespace('shop-dev');
    const agentNs = await cluster.newNamespace('ladder-system');
    await applyDeployRbac(admin, agentNs, [ns]);
    await github.createRepo(repo);
    const dir = await mkdtemp(join(tmpdir(), 'ladder-agent-prometheus-'));
    await writeFile(join(dir, 'app.pem'), github.app.privateKey, { mode: 0o600 });
    const config = agentConfigSchema.parse({
      repository: repo,
      environment: 'dev',
      path: 'manifests',
      namespaces: [ns],
      agentNamespace: agentNs,
      github: { apiUrl: github.url, appId: github.app.id, installationId: github.installations.idFor(repo), privateKeyPath: join(dir, 'app.pem') },
      intervals: { pollSeconds: 1 },
      // One agent, which takes the free Lease at once: client-go's lease and renew deadline, as in
      // test/support/agent/dev-agent.ts; with 2 s a loaded machine could make it step down and apply again.
      leaderElection: { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 1 },
      server: { host: '127.0.0.1', port: 0 },
    });
    const sha = await github.seed.commitFiles(repo, 'dev', { 'manifests/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n' }, { from: 'main' });
    agent = await startAgent(config, { kubeConfig: await cluster.kubeConfigForServiceAccount(agentNs, 'ladder-agent'), log: testLogger(), identity: 'scraped' });
    const target = new URL(agent.url).host;
    prometheus = await startPrometheus({ 'ladder-agent': [target] });
    const p = prometheus;

    const value = async (promql: string) => (await p.query(promql)).map((r) => r.value);
    await eventually(async () => (await value('ladder_applies_total')).includes(1), 'ladder_applies_total 1 in Prometheus', 60_000, 250);

    const [health] = await p.targets();
    assert.deepEqual(health, { ...health!, scrapeUrl: `http://${target}/metrics`, health: 'up', lastError: '' });
    assert.deepEqual(await p.query('up{job="ladder-agent"}'), [{ metric: { __name__: 'up', instance: target, job: 'ladder-agent' }, value: 1 }]);
    assert.deepEqual(await p.query('ladder_last_applied_commit_info'), [
      { metric: { __name__: 'ladder_last_applied_commit_info', commit: sha, instance: target, job: 'ladder-agent' }, value: 1 },
    ]);
    assert.deepEqual(await value('ladder_is_leader'), [1]);
    assert.deepEqual(await value('ladder_apply_failures_total'), [0]);
    assert.deepEqual(await value('ladder_source_unreachable'), [0]);
    assert.deepEqual(await value('ladder_drifted_objects'), [0]);
    const age = await value('time() - ladder_last_applied_timestamp_seconds');
    assert.ok(age[0]! >= 0 && age[0]! < 120, `the last apply was ${age[0]} s ago`);
    // Counters that keep counting: the agent polls GitHub and renews its Lease every second.
    const [github1] = await value('ladder_github_requests_total');
    const [kube1] = await value('ladder_kube_requests_total');
    await eventually(async () => (await value('ladder_github_requests_total'))[0]! > github1! && (await value('ladder_kube_requests_total'))[0]! > kube1!, 'the request counters to grow', 30_000, 250);
    // A suggested alert of docs/agent.md, evaluated: nothing failed in the last 30 minutes.
    assert.deepEqual(await p.query('increase(ladder_apply_failures_total[30m]) > 0'), []);
  });
});
