import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface LogLine {
  time: number;
  msg: string;
  [key: string]: unknown;
}

export interface MemorySample {
  at: number;
  phase: string;
  rssMb: number;
  rssAnonMb: number;
  rssFileMb: number;
  /** From the agent's /metrics (process.memoryUsage(), V8's heap spaces), the last scrape. */
  heap?: { totalMb: number; usedMb: number; externalMb: number; arrayBuffersMb: number; codeMb: number; oldMb: number; largeObjectMb: number; newMb: number };
  /** Kubernetes requests sent so far (the same scrape): the request rate over the run. */
  kubeRequests?: number;
}

export interface AgentProcess {
  child: ChildProcess;
  logs: LogLine[];
  /** Resolves with the first log line (already seen or future) that matches. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  metrics(): Promise<Record<string, number>>;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  /**
   * With `--trace-gc` in its NODE_OPTIONS: the heap V8 kept after each full collection (mark-compact), in MB,
   * with the bench's step: the live heap, which is what comes near `--max-old-space-size`, unlike the heap used.
   */
  liveAfterFullGc: Array<{ phase: string; mb: number }>;
  /** RSS sampled every 250 ms (anonymous and file-backed pages from /proc), the V8 heap every second from /metrics: when the peak happened, and where. */
  samples: MemorySample[];
  /** Names the samples from now on (the bench's step: first apply, re-apply, edits, idle). */
  phase(name: string): void;
  /** Sends a signal to the agent (SIGUSR2: a heap snapshot when it runs with --heapsnapshot-signal). */
  signal(name: NodeJS.Signals): void;
  rssMb(): number;
  stop(): Promise<number | null>;
}

/** Runs `ladder agent` from the built CLI as its own process, so its memory is its own; `nodeArgs` go before the CLI on node's command line. */
export function startAgentProcess(cliMain: string, configFile: string, env: Record<string, string>, nodeArgs: readonly string[] = []): AgentProcess {
  const child = spawn(process.execPath, [...nodeArgs, cliMain, 'agent', '--config', configFile], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: LogLine[] = [];
  const liveAfterFullGc: AgentProcess['liveAfterFullGc'] = [];
  let phase = 'start';
  const waiters: Array<{ predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void; fail: (error: Error) => void }> = [];
  let url: string | undefined;
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      // `[pid:addr] 812 ms: Mark-Compact 131.2 (140.1) -> 64.3 (118.5) MB, …`: the heap after the collection.
      const gc = /Mark-Compact[^>]*-> ([\d.]+) \(/.exec(text);
      if (gc) liveAfterFullGc.push({ phase, mb: Number(gc[1]) });
      return;
    }
    logs.push(line);
    if (line.msg === 'ladder agent started') url = String(line.url);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const samples: MemorySample[] = [];
  let heap: MemorySample['heap'];
  let kubeRequests: number | undefined;
  const sampler = setInterval(() => {
    try {
      samples.push({ at: Date.now(), phase, rssMb: status('VmRSS'), rssAnonMb: status('RssAnon'), rssFileMb: status('RssFile'), ...(heap ? { heap } : {}), ...(kubeRequests !== undefined ? { kubeRequests } : {}) });
    } catch {
      // exited
    }
  }, 250);
  const mb = (value: number | undefined) => Math.round(((value ?? NaN) / 2 ** 20) * 10) / 10;
  const heapSampler = setInterval(() => {
    if (!url) return;
    void metrics().then((m) => {
      kubeRequests = m.ladder_kube_requests_total;
      heap = {
        totalMb: mb(m.nodejs_heap_size_total_bytes), usedMb: mb(m.nodejs_heap_size_used_bytes), externalMb: mb(m.nodejs_external_memory_bytes), arrayBuffersMb: mb(m.nodejs_array_buffers_bytes),
        codeMb: mb(m['nodejs_heap_space_size_total_bytes{space="code"}']), oldMb: mb(m['nodejs_heap_space_size_total_bytes{space="old"}']),
        largeObjectMb: mb(m['nodejs_heap_space_size_total_bytes{space="large_object"}']), newMb: mb(m['nodejs_heap_space_size_total_bytes{space="new"}']),
      };
    }, () => undefined);
  }, 1000);
  const metrics = async () => {
    if (!url) throw new Error('the agent has not started its server yet');
    const text = await (await fetch(`${url}/metrics`)).text();
    const values: Record<string, number> = {};
    for (const line of text.split('\n')) {
      const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
      if (match) values[match[1]! + (match[2] ?? '')] = Number(match[3]);
    }
    return values;
  };
  child.on('exit', (code) => {
    clearInterval(sampler);
    clearInterval(heapSampler);
    for (const waiter of waiters.splice(0)) waiter.fail(new Error(`the agent exited with ${code}: ${stderr.slice(-2000)}`));
  });
  const status = (field: string) => {
    const text = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) / 1024;
  };
  return {
    child,
    logs,
    waitForLog(predicate, timeoutMs) {
      const seen = logs.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching agent log within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}; last logs: ${logs.slice(-5).map((l) => l.msg).join(' | ')}`)), timeoutMs);
        waiters.push({
          predicate,
          resolve: (line) => { clearTimeout(timer); resolve(line); },
          fail: (error) => { clearTimeout(timer); reject(error); },
        });
      });
    },
    metrics,
    peakRssMb: () => status('VmHWM'),
    liveAfterFullGc,
    samples,
    phase: (name) => (phase = name),
    signal: (name) => child.kill(name),
    rssMb: () => status('VmRSS'),
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      });
    },
  };
}
