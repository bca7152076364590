import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface LogLine {
  time: number;
  msg: string;
  [key: string]: unknown;
}

export interface AgentProcess {
  child: ChildProcess;
  logs: LogLine[];
  /** Resolves with the first log line (already seen or future) that matches. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  metrics(): Promise<Record<string, number>>;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number;
  /** RSS sampled every 250 ms: when the peak happened. */
  samples: { at: number; rssMb: number }[];
  rssMb(): number;
  stop(): Promise<number | null>;
}

/** Runs `ladder agent` from the built CLI as its own process, so its memory is its own. */
export function startAgentProcess(cliMain: string, configFile: string, env: Record<string, string>): AgentProcess {
  const child = spawn(process.execPath, [cliMain, 'agent', '--config', configFile], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: LogLine[] = [];
  const waiters: Array<{ predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void; fail: (error: Error) => void }> = [];
  let url: string | undefined;
  createInterface({ input: child.stdout! }).on('line', (text) => {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
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
  const samples: { at: number; rssMb: number }[] = [];
  const sampler = setInterval(() => {
    try {
      samples.push({ at: Date.now(), rssMb: status('VmRSS') });
    } catch {
      // exited
    }
  }, 250);
  child.on('exit', (code) => {
    clearInterval(sampler);
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
    async metrics() {
      if (!url) throw new Error('the agent has not started its server yet');
      const text = await (await fetch(`${url}/metrics`)).text();
      const values: Record<string, number> = {};
      for (const line of text.split('\n')) {
        const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
        if (match && !match[2]) values[match[1]!] = Number(match[3]);
      }
      return values;
    },
    peakRssMb: () => status('VmHWM'),
    samples,
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
