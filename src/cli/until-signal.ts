import { exitCode, type CliIO } from './command.js';

/** A long-running command's service once started: the agent, the App's server. */
export interface Stoppable {
  stop(): Promise<void>;
}

export interface RunOptions {
  /** A start that failed this way is a refusal (credentials missing, malformed or refused): its message alone, exit 2. */
  isRefusal?: (error: unknown) => boolean;
}

/**
 * Starts a service and keeps it running until SIGTERM or SIGINT, then stops it
 * gracefully; a second signal exits at once. A signal while the start still
 * waits (the agent waits for Kubernetes and GitHub to answer) ends the start,
 * and the command, cleanly. Exit 0 after a clean shutdown, 2 for a refusal,
 * 1 when it could not start otherwise or its shutdown failed.
 */
export async function runUntilSignal(command: string, start: (signal: AbortSignal) => Promise<Stoppable>, io: CliIO, options: RunOptions = {}): Promise<number> {
  const starting = new AbortController();
  let running: Stoppable | undefined;
  let finished: ((code: number) => void) | undefined;
  const done = new Promise<number>((resolve) => (finished = resolve));
  let signalled = false;
  const stop = (service: Stoppable) => {
    service.stop().then(
      () => finished?.(exitCode.ok),
      (error: unknown) => {
        io.stderr(`ladder ${command}: shutdown failed: ${(error as Error).message}\n`);
        finished?.(1);
      },
    );
    // Stopped means done: work the shutdown gave up on (a retry waiting out GitHub's
    // retry-after) must not keep the process alive until the kubelet's SIGKILL.
    void service.stop().finally(() => setTimeout(() => process.exit(), 2_000).unref());
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(signal === 'SIGTERM' ? 143 : 130);
    signalled = true;
    io.stderr(`ladder ${command}: ${signal} received, shutting down\n`);
    if (running) stop(running);
    else starting.abort(new Error(`${signal} received`));
  };
  process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  try {
    running = await start(starting.signal);
  } catch (error) {
    if (starting.signal.aborted) return exitCode.ok;
    if (options.isRefusal?.(error)) {
      io.stderr(`ladder ${command}: ${(error as Error).message}\n`);
      return exitCode.trouble;
    }
    io.stderr(`ladder ${command}: could not start: ${(error as Error).message}\n`);
    return 1;
  }
  // The signal came as the start was finishing: nobody else will stop what it started.
  if (starting.signal.aborted) stop(running);
  return done;
}
