import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

const WATCHDOG = fileURLToPath(new URL('./watchdog.sh', import.meta.url));

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A control-plane process that cannot outlive the test process that started it. */
export interface WatchedProcess {
  readonly name: string;
  /** The watchdog's pid; also the id of the process group holding the real process. */
  readonly pid: number;
  readonly logPath: string;
  /** Settles when the process has exited, for any reason. */
  readonly exited: Promise<ExitStatus>;
  hasExited(): boolean;
  /** Kills the process and resolves once it is gone. Safe to call more than once. */
  kill(): Promise<void>;
  /**
   * For `exit` handlers, which cannot wait: signals the watchdog, which
   * SIGKILLs and reaps the process on its own after we are gone.
   */
  killNow(): void;
}

const KILL_TIMEOUT_MS = 10_000;

/**
 * Starts `command` through watchdog.sh, which stops it when our end of its
 * stdin pipe closes — including when this process is SIGKILLed. Output goes to
 * `logPath`. The process gets its own process group so a terminal's Ctrl-C
 * reaches only us and we can stop things in order.
 */
export function spawnWatched(name: string, command: string, args: string[], logPath: string): WatchedProcess {
  const log = openSync(logPath, 'a');
  let child;
  try {
    child = spawn('bash', [WATCHDOG, command, ...args], { stdio: ['pipe', log, log], detached: true });
  } finally {
    closeSync(log);
  }
  const stdin = child.stdin as Socket;
  // A test that forgets stop() must still be able to exit; the process `exit`
  // hook and the watchdog clean up after it.
  child.unref();
  stdin.unref();
  stdin.on('error', () => {}); // EPIPE when the watchdog is already gone
  let status: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve((status = { code, signal })));
    child.once('error', () => resolve((status = { code: null, signal: null })));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${name}: bash not found`);

  const signal = (target: number, sig: NodeJS.Signals) => {
    // Once reaped, the pid may already belong to an unrelated process.
    if (status) return;
    try {
      process.kill(target, sig);
    } catch {
      // ESRCH: already gone.
    }
  };
  const killNow = () => signal(pid, 'SIGTERM');
  // Whole group: watchdog, watcher and child, in case the watchdog hangs.
  const killGroup = () => signal(-pid, 'SIGKILL');
  const kill = async () => {
    if (status) return;
    child.ref(); // keep the event loop alive until the exit is observed
    stdin.end('KILL\n');
    const timer = setTimeout(killGroup, KILL_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  return { name, pid, logPath, exited, hasExited: () => status !== undefined, kill, killNow };
}
