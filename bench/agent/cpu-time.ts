// CPU time each side of the full apply spends, from /proc (utime + stime): the API server and
// etcd (by process group, as the test bed starts them), the agent, and kubectl (a child of a
// shell that reports its children's CPU time). Unlike wall time, it barely moves with the load
// of a shared machine, so it shows where the time of a full apply goes and what two cores allow.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { ControlPlane } from '../../test/bed/kube/control-plane.js';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface CpuMs {
  apiServer: number;
  etcd: number;
  /** The agent, or kubectl. */
  client: number;
  /**
   * Every other process's CPU over the same span (the machine's busy time from /proc/stat less the
   * three above): other engineers' work, the bench itself. On shared cores it is what the apply did
   * not get, so the floor a run can reach is (ours + others) / cores, not ours alone.
   */
  others?: number;
  /** Of `others`: this bench's own process (the GitHub and Slack beds, the samplers) and the kernel's interrupt handling (loopback traffic). */
  bench?: number;
  interrupts?: number;
}

function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after it start past its ')'.
    return [String(pid), text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')), ...text.slice(text.lastIndexOf(')') + 2).split(' ')];
  } catch {
    return undefined;
  }
}

/** utime + stime of one process, in ms (0 when it is gone). */
export function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  return fields ? ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND : 0;
}

/** CPU ms so far of the control plane's kube-apiserver and etcd. */
export function controlPlaneCpuMs(cluster: ControlPlane): { apiServer: number; etcd: number } {
  const groups = new Set(cluster.processes.map((p) => p.pid));
  const totals = { apiServer: 0, etcd: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (!fields || !groups.has(Number(fields[4]))) continue;
    const ms = ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
    if (fields[1] === 'kube-apiserver') totals.apiServer += ms;
    else if (fields[1] === 'etcd') totals.etcd += ms;
  }
  return totals;
}

/** CPU ms the whole machine spent busy so far, over all cores (/proc/stat: everything but idle and iowait), and of it in interrupts. */
export function machineBusyMs(): { busy: number; interrupts: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  const ms = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
  return { busy: ms(user + nice + system + irq + softirq + steal), interrupts: ms(irq + softirq) };
}

/**
 * What a span of work cost each side: `end() - start()`. `clientMs` is the client's CPU so far, or
 * (kubectl, whose CPU is known once it exited) a number `end` is given.
 */
export function cpuSpan(cluster: ControlPlane, clientMs: () => number): { end(clientTotal?: number): CpuMs } {
  const server = controlPlaneCpuMs(cluster);
  const client = clientMs();
  const machine = machineBusyMs();
  const bench = process.cpuUsage();
  return {
    end(clientTotal) {
      const after = controlPlaneCpuMs(cluster);
      const used = { apiServer: after.apiServer - server.apiServer, etcd: after.etcd - server.etcd, client: clientTotal ?? clientMs() - client };
      const now = machineBusyMs();
      const others = now.busy - machine.busy - used.apiServer - used.etcd - used.client;
      const own = process.cpuUsage(bench);
      return { ...used, others: Math.max(0, others), bench: (own.user + own.system) / 1000, interrupts: now.interrupts - machine.interrupts };
    },
  };
}

/**
 * Runs `binary args` under a shell that prints its children's CPU time (cutime + cstime) once
 * they exited: kubectl's own CPU time, which its exit takes with it.
 */
export function runWithChildCpu(binary: string, args: string[]): Promise<{ ms: number; cpuMs: number; stdout: string }> {
  const script = '"$@"; rc=$?; read -r stat < /proc/$$/stat; echo "$stat" >&2; exit $rc';
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('bash', ['-c', script, 'bash', binary, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const lines = stderr.trimEnd().split('\n');
      const stat = lines.pop() ?? '';
      if (code !== 0) return reject(new Error(`${binary} exited ${code}: ${lines.join('\n').slice(-2000)}`));
      const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 16 and 17 (cutime, cstime), counted from field 3 here.
      const cpuMs = ((Number(after[13]) + Number(after[14])) * 1000) / TICKS_PER_SECOND;
      resolve({ ms: Math.round(ms), cpuMs, stdout });
    });
  });
}
