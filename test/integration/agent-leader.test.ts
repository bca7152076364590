import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClient, type KubeClient } from '../../src/adapters/kube/client.js';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentConfigSchema } from '../../src/agent/wiring/config.js';
import { LeaderElector } from '../../src/agent/loop/leader.js';
import { startAgent, type RunningAgent } from '../../src/agent/main.js';
import { startGitHubServer, installationOctokit } from '../bed/github/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { eventually, sleep, testLogger } from '../support/agent/log.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane));

// A 2 s lease with a 1.5 s renew deadline, for the tests of what happens once a lease runs out.
// A test that needs a leader to keep its lead uses client-go's 15 s and 10 s instead
// (`steady`): on a loaded machine one Lease write can take over 1.5 s, and the leader then
// rightly steps down, which is not what such a test is about.
const quick = { leaseDurationMs: 2000, renewDeadlineMs: 1500 };
const steady = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000 };

function elector(namespace: string, identity: string, transitions: string[], timing = quick, kube: KubeClient = client) {
  return new LeaderElector(kube, {
    namespace,
    name: 'ladder-agent',
    identity,
    ...timing,
    retryPeriodMs: 200,
    log: testLogger(),
    onLeadershipChange: (leading) => transitions.push(`${identity}:${leading ? 'leads' : 'stops'}`),
  });
}

/** `client`, counting the reads sent through it (an elector reads the Lease once per attempt). */
function countingReads(): { kube: KubeClient; reads(): number } {
  let reads = 0;
  const kube: KubeClient = Object.create(client, {
    request: { value: (...args: Parameters<KubeClient['request']>) => {
      if (args[0] === 'GET') reads++;
      return client.request(...args);
    } },
  });
  return { kube, reads: () => reads };
}

async function readLease(namespace: string) {
  return client.request<{ spec: { holderIdentity?: string; leaseTransitions?: number; leaseDurationSeconds?: number; renewTime?: string } }>(
    'GET',
    `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/ladder-agent`,
  );
}

describe('agent leader election through a Lease', () => {
  it('lets exactly one of two candidates lead, and the other takes over at once when the leader shuts down', async () => {
    const namespace = await cluster.newNamespace('leader');
    const transitions: string[] = [];
    const a = elector(namespace, 'agent-a', transitions, steady);
    const b = elector(namespace, 'agent-b', transitions, steady);
    a.start();
    b.start();
    const first = await eventually(() => (a.isLeader() ? a : b.isLeader() ? b : undefined), 'a leader');
    const second = first === a ? b : a;
    // Watch both for a while: never two leaders at once.
    for (let i = 0; i < 20; i++) {
      assert.ok(!(a.isLeader() && b.isLeader()), 'two replicas lead at the same time');
      await sleep(100);
    }
    assert.equal(second.isLeader(), false);
    const held = await readLease(namespace);
    const firstName = first === a ? 'agent-a' : 'agent-b';
    assert.equal(held.spec.holderIdentity, firstName);
    assert.equal(held.spec.leaseDurationSeconds, 15);

    const signal = first.leadershipSignal();
    const stoppedAt = Date.now();
    await first.stop();
    assert.equal(signal?.aborted, true, 'work bound to leadership is aborted on shutdown');
    await eventually(() => second.isLeader(), 'the other replica to take over');
    // A released Lease is taken on the next retry (200 ms), not after the lease duration (15 s).
    assert.ok(Date.now() - stoppedAt < 5000, `takeover took ${Date.now() - stoppedAt} ms`);
    const taken = await readLease(namespace);
    assert.equal(taken.spec.holderIdentity, first === a ? 'agent-b' : 'agent-a');
    assert.ok((taken.spec.leaseTransitions ?? 0) >= 1);
    await second.stop();
    assert.deepEqual(transitions.filter((t) => t.startsWith(firstName)), [`${firstName}:leads`, `${firstName}:stops`]);
  });

  it('takes over from a leader that died without releasing, only after the lease duration', async () => {
    const namespace = await cluster.newNamespace('leader');
    // A Lease held by a replica that no longer renews (its pod was killed).
    await client.request('POST', `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`, {
      body: {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: 'ladder-agent' },
        spec: { holderIdentity: 'agent-dead', leaseDurationSeconds: 2, renewTime: new Date().toISOString().replace('Z', '000Z'), leaseTransitions: 3 },
      },
    });
    const transitions: string[] = [];
    const counted = countingReads();
    const b = elector(namespace, 'agent-b', transitions, quick, counted.kube);
    const started = Date.now();
    b.start();
    // Three attempts (200 ms apart), each finding the Lease held: none took it.
    await eventually(() => counted.reads() >= 3, 'agent-b to read the Lease three times', 10_000, 10);
    assert.equal(b.isLeader(), false, 'a Lease renewed less than its duration ago is respected');
    await eventually(() => b.isLeader(), 'takeover of the expired Lease', 10_000);
    assert.ok(Date.now() - started >= 2000, 'takeover waited a whole lease duration');
    const lease = await readLease(namespace);
    assert.equal(lease.spec.holderIdentity, 'agent-b');
    assert.equal(lease.spec.leaseTransitions, 4);
    await b.stop();
    assert.equal((await readLease(namespace)).spec.holderIdentity, '');
  });

  it('stops leading when the Lease cannot be renewed, before anyone else may take it', async () => {
    const namespace = await cluster.newNamespace('leader');
    const transitions: string[] = [];
    const a = elector(namespace, 'agent-a', transitions);
    a.start();
    await eventually(() => a.isLeader(), 'leadership');
    const signal = a.leadershipSignal();
    // Someone else grabs the Lease behind its back (as after a network partition).
    const lease = await readLease(namespace);
    (lease.spec as Record<string, unknown>).holderIdentity = 'agent-x';
    (lease.spec as Record<string, unknown>).renewTime = new Date().toISOString().replace('Z', '000Z');
    const keepRenewing = setInterval(() => {
      void readLease(namespace).then((current) => {
        (current.spec as Record<string, unknown>).renewTime = new Date().toISOString().replace('Z', '000Z');
        return client.request('PUT', `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/ladder-agent`, { body: current });
      }).catch(() => undefined);
    }, 300);
    await client.request('PUT', `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/ladder-agent`, { body: lease });
    try {
      await eventually(() => !a.isLeader(), 'leadership to be given up', 15_000);
      assert.equal(signal?.aborted, true);
    } finally {
      clearInterval(keepRenewing);
      await a.stop();
    }
  });

  it('a leader whose renewals hang (API server unreachable, no error) stops leading before another replica may take over', async () => {
    const namespace = await cluster.newNamespace('leader');
    const proxy = await startFreezableProxy(cluster.server);
    const proxied = createKubeClient(kubeConfigVia(cluster.kubeConfig, proxy.url));
    const transitions: string[] = [];
    const counted = countingReads();
    const a = new LeaderElector(proxied, { namespace, name: 'ladder-agent', identity: 'agent-a', leaseDurationMs: 2000, renewDeadlineMs: 1500, retryPeriodMs: 200, log: testLogger() });
    const b = elector(namespace, 'agent-b', transitions, quick, counted.kube);
    try {
      a.start();
      await eventually(() => a.isLeader(), 'agent-a to lead');
      b.start();
      await eventually(() => counted.reads() >= 3, 'agent-b to see agent-a renewing (three reads of the Lease)', 10_000, 10);
      const signal = a.leadershipSignal();
      proxy.freeze();
      const frozenAt = Date.now();
      // Before the fix a's hung renewal kept it leading for the client's 60 s request timeout.
      while (!b.isLeader()) {
        assert.ok(Date.now() - frozenAt < 10_000, 'agent-b never took over');
        await sleep(10);
        assert.ok(!(a.isLeader() && b.isLeader()), 'two replicas lead at the same time');
      }
      assert.equal(a.isLeader(), false);
      assert.equal(signal?.aborted, true, 'work bound to the lost leadership is aborted');
    } finally {
      await b.stop();
      proxy.stop();
      await a.stop();
      proxied.close();
    }
  });

  it('runs two whole agents: only the leader applies and reports; the other takes over when it stops', async () => {
    const github = await startGitHubServer();
    const agents: RunningAgent[] = [];
    try {
      const repo = 'shop/leader-manifests';
      await github.createRepo(repo);
      const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  a: "1"\n`;
      const first = await github.seed.commitFiles(repo, 'dev', { 'manifests/a.yaml': cm('a') }, { from: 'main' });
      const agentNs = await cluster.newNamespace('ladder-system');
      const ns = await cluster.newNamespace('shop-dev');
      const keyPath = join(await mkdtemp(join(tmpdir(), 'ladder-agent-leader-')), 'app.pem');
      await writeFile(keyPath, github.app.privateKey);
      const config = agentConfigSchema.parse({
        repository: repo,
        environment: 'dev',
        path: 'manifests',
        namespaces: [ns],
        agentNamespace: agentNs,
        github: { apiUrl: github.url, appId: github.app.id, installationId: github.installations.idFor(repo), privateKeyPath: keyPath },
        intervals: { pollSeconds: 1 },
        // client-go's lease and renew deadline: with 3 s and 2 s, a leader whose renewal took over
        // 2 s on a loaded machine would step down and the follower apply too. stop() releases the
        // Lease, so the follower below takes over on its next retry.
        leaderElection: { leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 1 },
        server: { host: '127.0.0.1', port: 0 },
      });
      for (const identity of ['agent-a', 'agent-b']) agents.push(await startAgent(config, { kubeConfig: cluster.kubeConfig, log: testLogger(), identity }));
      const leader = await eventually(() => agents.find((a) => a.metrics.appliesTotal === 1), 'one agent to apply the commit', 20_000);
      const follower = agents.find((a) => a !== leader)!;
      // Three more polls of the follower's own (its GitHub requests), not 2.5 s a loaded machine
      // may fill with fewer: it must stay hands-off through them.
      const polled = follower.metrics.githubRequestsTotal;
      await eventually(() => follower.metrics.githubRequestsTotal >= polled + 3, 'three more polls by the follower', 30_000);
      assert.equal(follower.metrics.appliesTotal, 0, 'the follower applied too');
      assert.equal(follower.metrics.isLeader, 0);
      assert.equal((await fetch(`${follower.url}/readyz`)).status, 200, 'a follower that read the branch is ready');
      const octokit = installationOctokit(github, repo);
      const deploymentsOf = async (sha: string) => (await octokit.rest.repos.listDeployments({ owner: 'shop', repo: 'leader-manifests', sha })).data;
      assert.equal((await deploymentsOf(first)).length, 1);

      await leader.stop();
      // The new leader applies the current commit again (a no-op) without a second deployment.
      await eventually(() => follower.metrics.appliesTotal === 1, 'the follower to take over', 30_000);
      assert.equal(follower.metrics.isLeader, 1);
      assert.equal((await deploymentsOf(first)).length, 1, 'a takeover does not report the same commit again');
      const second = await github.seed.commitFiles(repo, 'dev', { 'manifests/b.yaml': cm('b') });
      await eventually(async () => (await deploymentsOf(second)).length === 1 && follower.metrics.lastAppliedCommit === second, 'the new leader to apply the next commit', 15_000);
      const lease = await readLeaseNamed(agentNs, 'ladder-agent-dev');
      assert.equal(lease.spec.holderIdentity, follower === agents[0] ? 'agent-a' : 'agent-b');
    } finally {
      for (const agent of agents) await agent.stop();
      await github.stop();
    }
  });
});

async function readLeaseNamed(namespace: string, name: string) {
  return client.request<{ spec: { holderIdentity?: string } }>('GET', `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases/${name}`);
}

/** The admin kubeconfig, pointed at another address (a proxy in front of the same API server). */
function kubeConfigVia(kubeConfig: KubeConfig, server: string): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kubeConfig.clusters.map((c) => ({ ...c, server })),
    users: kubeConfig.users,
    contexts: kubeConfig.contexts,
    currentContext: kubeConfig.currentContext,
  });
  return copy;
}

/** A TCP proxy that, once frozen, drops its connections and leaves new ones unanswered: requests hang, none fails fast. */
async function startFreezableProxy(target: string): Promise<{ url: string; freeze(): void; stop(): void }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let frozen = false;
  const server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined).on('close', () => sockets.delete(client));
    if (frozen) return; // accepted, never answered
    const upstream = connect(Number(port), hostname);
    sockets.add(upstream);
    upstream.on('error', () => client.destroy()).on('close', () => sockets.delete(upstream));
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    freeze() {
      frozen = true;
      for (const socket of sockets) socket.destroy();
    },
    stop() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
