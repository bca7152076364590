import { exitCode, type CliIO } from './command.js';

/** A long-running command's service once started: the agent, the App's server. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Starts a service and keeps it running until SIGTERM or SIGINT, then stops it
 * gracefully; a second signal exits at once. Exit 0 after a clean shutdown,
 * 1 when it could not start or its shutdown failed.
 */
export async function runUntilSignal(command: string, start: () => Promise<Stoppable>, io: CliIO): Promise<number> {
  let service;
  try {
    service = await start();
  } catch (error) {
    io.stderr(`ladder ${command}: could not start: ${(error as Error).message}\n`);
    return 1;
  }
  const running = service;
  return new Promise<number>((done) => {
    let signalled = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signalled) process.exit(signal === 'SIGTERM' ? 143 : 130);
      signalled = true;
      io.stderr(`ladder ${command}: ${signal} received, shutting down\n`);
      running.stop().then(
        () => done(exitCode.ok),
        (error: unknown) => {
          io.stderr(`ladder ${command}: shutdown failed: ${(error as Error).message}\n`);
          done(1);
        },
      );
      // Stopped means done: work the shutdown gave up on (a retry waiting out GitHub's
      // retry-after) must not keep the process alive until the kubelet's SIGKILL.
      void running.stop().finally(() => setTimeout(() => process.exit(), 2_000).unref());
    };
    process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  });
}
