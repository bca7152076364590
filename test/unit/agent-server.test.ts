import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentMetrics } from '../../src/agent/reporting/metrics.js';
import { startAgentServer } from '../../src/agent/reporting/server.js';

describe('agent metrics and probes', () => {
  it('renders every metric in the Prometheus text format, with live gauges read at scrape time', () => {
    const metrics = new AgentMetrics();
    let drifted = 2;
    metrics.sources = { driftedObjects: () => drifted, kubeRequests: () => 41, kubeClient: () => ({ throttled: 2, waitedMs: 1500, connections: 3, inFlight: 8 }) };
    metrics.recordApplied('0123456789abcdef0123456789abcdef01234567', new Date('2026-11-22T01:00:00.500Z'));
    metrics.applyFailuresTotal = 3;
    metrics.githubRequestsTotal = 7;
    metrics.isLeader = 1;
    const text = metrics.render();
    for (const name of ['ladder_applies_total', 'ladder_apply_failures_total', 'ladder_drifted_objects', 'ladder_last_applied_commit_info', 'ladder_last_applied_timestamp_seconds', 'ladder_source_errors_total', 'ladder_github_requests_total', 'ladder_kube_requests_total', 'ladder_is_leader']) {
      assert.match(text, new RegExp(`^# TYPE ${name} (counter|gauge)$`, 'm'), name);
      assert.match(text, new RegExp(`^# HELP ${name} .+$`, 'm'), name);
    }
    assert.match(text, /^ladder_applies_total 1$/m);
    assert.match(text, /^ladder_apply_failures_total 3$/m);
    assert.match(text, /^ladder_drifted_objects 2$/m);
    assert.match(text, /^ladder_last_applied_commit_info\{commit="0123456789abcdef0123456789abcdef01234567"\} 1$/m);
    assert.match(text, /^ladder_last_applied_timestamp_seconds 1795309200\.5$/m);
    assert.match(text, /^ladder_kube_requests_total 41$/m);
    assert.match(text, /^ladder_kube_throttled_total 2$/m);
    assert.match(text, /^ladder_kube_client_wait_seconds_total 1\.5$/m);
    assert.match(text, /^ladder_kube_connections_opened_total 3$/m);
    assert.match(text, /^# TYPE ladder_kube_requests_in_flight gauge$/m);
    assert.match(text, /^ladder_kube_requests_in_flight 8$/m);
    assert.match(text, /^ladder_is_leader 1$/m);
    drifted = 0;
    assert.match(metrics.render(), /^ladder_drifted_objects 0$/m);
    assert.ok(text.endsWith('\n'));
  });

  it('leaves out the last-applied series until something was applied', () => {
    const text = new AgentMetrics().render();
    assert.doesNotMatch(text, /^ladder_last_applied_commit_info\{/m);
    assert.doesNotMatch(text, /^ladder_last_applied_timestamp_seconds \d/m);
    assert.match(text, /^ladder_applies_total 0$/m);
  });

  it('renders the process memory: the resident set, the V8 heap and its spaces, and memory outside it', () => {
    const text = new AgentMetrics().render();
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_external_memory_bytes', 'nodejs_array_buffers_bytes']) {
      assert.ok(value(name) > 0, name);
    }
    assert.ok(value('nodejs_heap_size_used_bytes') <= value('nodejs_heap_size_total_bytes'));
    assert.ok(value('nodejs_heap_size_total_bytes') < value('process_resident_memory_bytes'));
    assert.match(text, /^nodejs_heap_space_size_total_bytes\{space="old"\} \d+$/m);
    assert.match(text, /^nodejs_heap_space_size_total_bytes\{space="code"\} \d+$/m);
  });

  it('serves /healthz, /readyz and /metrics, and nothing else', async () => {
    let ready = false;
    let healthy = true;
    const metrics = new AgentMetrics();
    const server = await startAgentServer({ host: '127.0.0.1', port: 0, metrics, probes: { healthy: () => healthy, ready: () => ready } });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      const notReady = await fetch(`${server.url}/readyz`);
      assert.equal(notReady.status, 503);
      assert.match(await notReady.text(), /no commit applied/);
      ready = true;
      assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
      healthy = false;
      assert.equal((await fetch(`${server.url}/healthz`)).status, 503);
      const scrape = await fetch(`${server.url}/metrics`);
      assert.equal(scrape.status, 200);
      assert.match(scrape.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.match(await scrape.text(), /ladder_is_leader 0/);
      assert.equal((await fetch(`${server.url}/other`)).status, 404);
      assert.equal((await fetch(`${server.url}/metrics`, { method: 'POST' })).status, 405);
    } finally {
      await server.close();
    }
  });
});
