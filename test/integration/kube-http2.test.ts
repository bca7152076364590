// The Kubernetes client's wire against a real kube-apiserver started with
// --goaway-chance (it closes HTTP/2 connections at random, as behind a load
// balancer) and API Priority and Fairness set to reject one service account's
// requests beyond a few at a time: HTTP/2 on one connection, requests sent
// again after a GOAWAY, 429s waited out (every request pauses, as the server
// asked), and client-go's QPS/burst.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClient, type KubeClient, type KubeObject } from '../../src/adapters/kube/client.js';
import { systemClock } from '../../src/adapters/clock/clock.js';
import { applyCommit } from '../../src/agent/sync/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { configMapFile } from '../support/agent-sync.js';
import { applyDeployRbac } from '../support/agent/deploy-rbac.js';
import { eventually } from '../support/agent/log.js';

let cluster: ControlPlane;
let client: KubeClient;
useControlPlane((plane) => ({ cluster, client } = plane), { reuse: false, apiServerArgs: ['--goaway-chance=0.02'] });

const configMap = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: name } });

describe('HTTP/2 to the API server', () => {
  it('multiplexes concurrent requests over one connection', async () => {
    const namespace = await cluster.newNamespace('h2');
    const fresh = createKubeClient(cluster.kubeConfig);
    try {
      assert.equal(fresh.protocol, 'h2');
      // 40 requests, 20 at a time: fewer than the server's 100 streams per connection, and few enough that a GOAWAY (1 in 50) is unlikely.
      await Promise.all(Array.from({ length: 20 }, (_, i) => fresh.request('GET', `/api/v1/namespaces/${namespace}`).then(() => fresh.request('GET', `/api/v1/namespaces/${namespace}/configmaps?limit=${i + 1}`))));
      assert.equal(fresh.stats().requests, 40);
      assert.ok(fresh.stats().connections <= 2, `${fresh.stats().connections} connections for 40 requests`);
    } finally {
      fresh.close();
    }
  });

  it('sends again what a GOAWAY refused: 600 writes succeed while the server drops connections at random', async () => {
    const namespace = await cluster.newNamespace('goaway');
    const fresh = createKubeClient(cluster.kubeConfig);
    try {
      let next = 0;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < 600) {
          const name = `cm-${next++}`;
          await fresh.request('PATCH', `/api/v1/namespaces/${namespace}/configmaps/${name}`, { query: { fieldManager: 'ladder' }, contentType: 'application/apply-patch+yaml', body: configMap(namespace, name) });
        }
      }));
      const list = await client.request<{ items: KubeObject[] }>('GET', `/api/v1/namespaces/${namespace}/configmaps`);
      assert.equal(list.items.filter((item) => item.metadata?.name?.startsWith('cm-')).length, 600);
      // With one GOAWAY per 50 requests on average, 600 requests on one connection would be a 1 in 10^5 chance.
      assert.ok(fresh.stats().connections > 1, `the server sent no GOAWAY in ${fresh.stats().requests} requests`);
    } finally {
      fresh.close();
    }
  });
});

describe('HTTP/1.1 to the API server', () => {
  it('reuses its keep-alive sockets and counts the connections it opened', async () => {
    const namespace = await cluster.newNamespace('h1');
    const fresh = createKubeClient(cluster.kubeConfig, { http2: false });
    try {
      assert.equal(fresh.protocol, 'http/1.1');
      let most = 0;
      let done = false;
      const watchInFlight = () => {
        most = Math.max(most, fresh.stats().inFlight);
        if (!done) setImmediate(watchInFlight);
      };
      setImmediate(watchInFlight);
      // 40 requests, 20 at a time: each socket carries about two, one after the other.
      await Promise.all(Array.from({ length: 20 }, async (_, i) => {
        await fresh.request('GET', `/api/v1/namespaces/${namespace}`);
        await fresh.request('GET', `/api/v1/namespaces/${namespace}/configmaps?limit=${i + 1}`);
      }));
      done = true;
      assert.equal(fresh.stats().requests, 40);
      const { connections } = fresh.stats();
      assert.ok(connections >= 1 && connections <= 20, `${connections} connections for 40 requests, 20 at a time`);
      assert.ok(most >= 2, `at most ${most} requests were seen in flight of 20 sent at once`);
      assert.equal(fresh.stats().inFlight, 0, 'every answered request left the in-flight count');
    } finally {
      fresh.close();
    }
  });
});

describe('client-side rate and API Priority and Fairness', () => {
  it('keeps to its QPS after the burst', async () => {
    const namespace = await cluster.newNamespace('qps');
    const limited = createKubeClient(cluster.kubeConfig, { rateLimit: { qps: 40, burst: 10, clock: systemClock } });
    try {
      const started = Date.now();
      await Promise.all(Array.from({ length: 50 }, () => limited.request('GET', `/api/v1/namespaces/${namespace}`)));
      const elapsed = Date.now() - started;
      // 10 at once, then 40 more at 40 a second: at least a second.
      assert.ok(elapsed >= 950, `50 requests at 40 qps (burst 10) took ${elapsed} ms`);
      assert.ok(limited.stats().waitedMs > 0);
    } finally {
      limited.close();
    }
  });

  it("applies a commit whole while Priority and Fairness rejects most of its requests, waiting out each Retry-After", async () => {
    const agentNamespace = await cluster.newNamespace('apf-agent');
    const namespace = await cluster.newNamespace('apf');
    const name = `ladder-test-${namespace}`;
    await applyDeployRbac(client, agentNamespace, [namespace], { serviceAccount: 'throttled' });
    const apply = (path: string, body: object) => client.request('PATCH', path, { query: { fieldManager: 'test', force: true }, contentType: 'application/apply-patch+yaml', body });
    await apply(`/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations/${name}`, {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'PriorityLevelConfiguration', metadata: { name },
      spec: { type: 'Limited', limited: { nominalConcurrencyShares: 1, lendablePercent: 0, borrowingLimitPercent: 0, limitResponse: { type: 'Reject' } } },
    });
    await apply(`/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/${name}`, {
      apiVersion: 'flowcontrol.apiserver.k8s.io/v1', kind: 'FlowSchema', metadata: { name },
      spec: {
        priorityLevelConfiguration: { name }, matchingPrecedence: 50, distinguisherMethod: { type: 'ByUser' },
        rules: [{
          subjects: [{ kind: 'ServiceAccount', serviceAccount: { name: 'throttled', namespace: agentNamespace } }],
          resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], namespaces: ['*'], clusterScope: true }],
          nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
        }],
      },
    });
    await eventually(async () => {
      const schema = await client.request<{ status?: { conditions?: { type: string; status: string }[] } }>('GET', `/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/${name}`);
      return schema.status?.conditions?.some((c) => c.type === 'Dangling' && c.status === 'False');
    }, 'the API server to take up the FlowSchema', 30_000);

    const agent = createKubeClient(await cluster.kubeConfigForServiceAccount(agentNamespace, 'throttled'), { rateLimit: { qps: 1000, burst: 1000, clock: systemClock } });
    try {
      const files = Array.from({ length: 40 }, (_, i) => configMapFile(namespace, `cm-${i}`));
      const started = Date.now();
      const outcome = await applyCommit(agent, { commit: 'a'.repeat(40), files }, { inventory: { namespace: agentNamespace, name: 'dev' }, concurrency: 16 });
      assert.equal(outcome.status, 'applied', outcome.message);
      const list = await client.request<{ items: KubeObject[] }>('GET', `/api/v1/namespaces/${namespace}/configmaps`);
      assert.equal(list.items.filter((item) => item.metadata?.name?.startsWith('cm-')).length, 40);
      const { throttled, waitedMs } = agent.stats();
      assert.ok(throttled > 0, 'Priority and Fairness rejected none of 16 requests at a time with 3 seats');
      // Each 429 said Retry-After of at least a second, and every request waited it out.
      assert.ok(waitedMs >= 1000 && Date.now() - started >= 1000, `waited ${waitedMs} ms over ${Date.now() - started} ms for ${throttled} rejections`);
      const metrics = await client.requestText('GET', '/metrics');
      const rejected = new RegExp(`apiserver_flowcontrol_rejected_requests_total\\{[^}]*priority_level="${name}"[^}]*\\} (\\d+)`).exec(metrics);
      assert.ok(rejected && Number(rejected[1]) >= throttled, `the server counted ${rejected?.[1]} rejections for ${throttled} seen`);
    } finally {
      agent.close();
      await client.request('DELETE', `/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/${name}`);
      await client.request('DELETE', `/apis/flowcontrol.apiserver.k8s.io/v1/prioritylevelconfigurations/${name}`);
    }
  });

  it('a 429 pauses every request of the client for its Retry-After, not only the one refused', async () => {
    const arrivals: number[] = [];
    let refused = 0;
    const server = http.createServer((request, response) => {
      arrivals.push(Date.now());
      if (request.url?.includes('first') && refused++ === 0) {
        response.writeHead(429, { 'retry-after': '2', 'content-type': 'application/json' });
        response.end(JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'TooManyRequests', code: 429 }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'fake', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'fake', token: 'not-a-secret' }],
      contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
      currentContext: 'fake',
    });
    const fake = createKubeClient(kubeConfig, { rateLimit: { qps: 100, burst: 100, clock: systemClock } });
    try {
      const started = Date.now();
      await fake.request('GET', '/first');
      const refusedAt = arrivals[0]!;
      const later = await Promise.all([fake.request('GET', '/second'), fake.request('GET', '/third')]);
      assert.equal(later.length, 2);
      assert.equal(fake.stats().throttled, 1);
      assert.equal(arrivals.length, 4);
      for (const at of arrivals.slice(1)) assert.ok(at - refusedAt >= 1950, `a request reached the server ${at - refusedAt} ms after the 429 that said 2 s`);
      assert.ok(Date.now() - started < 5000);
    } finally {
      fake.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
