import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProcessEntry {
  pid: number;
  stat: string;
  args: string;
}

/**
 * Live processes whose command line contains `text` (a control plane's run
 * directory names exactly its etcd, kube-apiserver and watchdogs). Zombies are
 * left out: they have exited and only wait for init to collect their status.
 */
export async function findProcessesMentioning(text: string): Promise<ProcessEntry[]> {
  const { stdout } = await run('ps', ['-eww', '-o', 'pid=,stat=,args=']);
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, pid, stat, args]) => ({ pid: Number(pid), stat: stat ?? '', args: args ?? '' }))
    .filter((entry) => entry.args.includes(text) && !entry.stat.startsWith('Z') && entry.pid !== process.pid);
}

/** Polls until no live process mentions `text`; returns what is still there at the deadline. */
export async function waitForNoProcessesMentioning(text: string, timeoutMs: number): Promise<ProcessEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await findProcessesMentioning(text);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
