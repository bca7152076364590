import { readdirSync, readFileSync, writeSync } from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';

/**
 * LADDER_TRACE_TIMING=1: each thread of `ladder validate` writes when it reached each step to
 * standard error, in milliseconds since the process started, with the thread's own CPU time, so
 * a run's timeline across threads can be read (docs/performance.md). Off, it costs a check.
 */
const enabled = process.env['LADDER_TRACE_TIMING'] === '1';
// A worker's clock starts when the worker does; the main thread's start is passed down in the environment.
const origin = Number(process.env['LADDER_TRACE_ORIGIN'] ?? performance.timeOrigin);
if (enabled && isMainThread) process.env['LADDER_TRACE_ORIGIN'] = String(performance.timeOrigin);

export function traceTiming(step: string): void {
  if (!enabled) return;
  const at = performance.timeOrigin + performance.now() - origin;
  // This thread's CPU time (Node 23.9 on); the whole process's where Node is older.
  const cpu = typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage() : process.cpuUsage();
  const name = isMainThread ? 'main' : `worker ${threadId}`;
  write(`[timing] ${name.padEnd(9)} ${at.toFixed(1).padStart(8)} ms  cpu ${((cpu.user + cpu.system) / 1000).toFixed(1).padStart(7)} ms  ${step}\n`);
}

/** At the end of a traced run: CPU time of every thread of the process (V8's helpers, libuv's pool), by name, from /proc. */
export function traceThreads(): void {
  if (!enabled || process.platform !== 'linux') return;
  const ticks = 100; // USER_HZ on Linux
  const byName = new Map<string, { threads: number; ms: number }>();
  for (const task of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Node 24 names the main thread MainThread; older Node leaves it the process's name.
      const name = task === String(process.pid) ? 'MainThread' : readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim();
      const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
      const entry = byName.get(name) ?? { threads: 0, ms: 0 };
      byName.set(name, { threads: entry.threads + 1, ms: entry.ms + ms });
    } catch {
      // a thread that ended meanwhile
    }
  }
  for (const [name, { threads, ms }] of byName) write(`[timing] threads   ${name} ×${threads}: cpu ${ms.toFixed(0)} ms\n`);
}

/** Straight to the file descriptor: a worker's process.stderr goes through the main thread, and a line still on its way is lost when the worker is stopped. */
function write(line: string): void {
  try {
    writeSync(2, line);
  } catch {
    // a full or closed pipe: the timeline is diagnostics, never a reason to fail
  }
}
