import { getHeapSpaceStatistics } from 'node:v8';

/**
 * The agent's Prometheus metrics, written in the text exposition format
 * (version 0.0.4) by hand: a dozen series do not justify a dependency.
 */
export interface AgentMetricsSources {
  /** Live counts read at scrape time, so they never go stale. */
  driftedObjects?: () => number;
  kubeRequests?: () => number;
  kubeClient?: () => { throttled: number; waitedMs: number; connections: number; inFlight: number };
}

export class AgentMetrics {
  appliesTotal = 0;
  applyFailuresTotal = 0;
  sourceErrorsTotal = 0;
  githubRequestsTotal = 0;
  /** 1 while GitHub cannot be read and the last good commit is being served. */
  sourceUnreachable = 0;
  isLeader = 0;
  lastAppliedCommit: string | undefined;
  lastAppliedAt: Date | undefined;
  sources: AgentMetricsSources = {};

  recordApplied(commit: string, at: Date): void {
    this.appliesTotal++;
    this.lastAppliedCommit = commit;
    this.lastAppliedAt = at;
  }

  render(): string {
    const lines: string[] = [];
    const series = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[labels: Record<string, string>, value: number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
    };
    series('ladder_applies_total', 'counter', 'Manifest commits applied successfully.', [[{}, this.appliesTotal]]);
    series('ladder_apply_failures_total', 'counter', 'Manifest commits whose apply or health check failed.', [[{}, this.applyFailuresTotal]]);
    series('ladder_drifted_objects', 'gauge', 'Managed objects whose live state differs from Git on fields Ladder manages.', [
      [{}, this.sources.driftedObjects?.() ?? 0],
    ]);
    series(
      'ladder_last_applied_commit_info',
      'gauge',
      'The manifest commit applied last (value 1).',
      this.lastAppliedCommit === undefined ? [] : [[{ commit: this.lastAppliedCommit }, 1]],
    );
    series(
      'ladder_last_applied_timestamp_seconds',
      'gauge',
      'Unix time of the last successful apply; time() minus this is its age.',
      this.lastAppliedAt === undefined ? [] : [[{}, this.lastAppliedAt.getTime() / 1000]],
    );
    series('ladder_source_errors_total', 'counter', 'Failed reads of the environment branch from GitHub.', [[{}, this.sourceErrorsTotal]]);
    series('ladder_source_unreachable', 'gauge', '1 while GitHub cannot be read and the last good commit is served.', [[{}, this.sourceUnreachable]]);
    series('ladder_github_requests_total', 'counter', 'Requests sent to the GitHub API.', [[{}, this.githubRequestsTotal]]);
    series('ladder_kube_requests_total', 'counter', 'Requests sent to the Kubernetes API (watches count once).', [
      [{}, this.sources.kubeRequests?.() ?? 0],
    ]);
    series('ladder_kube_throttled_total', 'counter', 'Requests the API server answered 429 (Priority and Fairness), each waited out for its Retry-After and sent again.', [
      [{}, this.sources.kubeClient?.().throttled ?? 0],
    ]);
    series('ladder_kube_client_wait_seconds_total', 'counter', 'Time requests waited for the client-side rate limit (kubernetes.qps, burst) and for Retry-After.', [
      [{}, (this.sources.kubeClient?.().waitedMs ?? 0) / 1000],
    ]);
    series('ladder_kube_connections_opened_total', 'counter', 'Connections opened to the API server (HTTP/2 sessions, or HTTP/1.1 sockets).', [
      [{}, this.sources.kubeClient?.().connections ?? 0],
    ]);
    series('ladder_kube_requests_in_flight', 'gauge', 'Requests sent to the Kubernetes API and not yet answered (watches excepted).', [
      [{}, this.sources.kubeClient?.().inFlight ?? 0],
    ]);
    series('ladder_is_leader', 'gauge', '1 while this replica holds the Lease and may apply.', [[{}, this.isLeader]]);
    renderProcessMemory(series);
    return `${lines.join('\n')}\n`;
  }
}

type Series = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[labels: Record<string, string>, value: number]>) => void;

/**
 * Where the process's memory is, under the names prom-client gives them: the resident set against
 * the V8 heap (used, reserved, per space: code space is not in the old-space bound) and memory
 * outside it (external, of which array buffers: HTTP/2 and socket buffers, Buffers).
 */
function renderProcessMemory(series: Series): void {
  const usage = process.memoryUsage();
  series('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [[{}, usage.rss]]);
  series('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap reserved, in bytes.', [[{}, usage.heapTotal]]);
  series('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap used, in bytes.', [[{}, usage.heapUsed]]);
  series('nodejs_external_memory_bytes', 'gauge', 'Memory of C++ objects bound to JavaScript objects (Buffers included), in bytes.', [[{}, usage.external]]);
  series('nodejs_array_buffers_bytes', 'gauge', 'Memory of ArrayBuffers and SharedArrayBuffers (part of external), in bytes.', [[{}, usage.arrayBuffers]]);
  series('nodejs_heap_space_size_total_bytes', 'gauge', 'V8 heap reserved per space, in bytes.', getHeapSpaceStatistics().map((space) => [{ space: space.space_name.replace(/_space$/, '') }, space.space_size]));
}

function formatLabels(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([key, value]) => `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
