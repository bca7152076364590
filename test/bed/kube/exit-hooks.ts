const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs `cleanup` (synchronously) when this process exits normally, exits after
 * an uncaught exception, or receives SIGINT/SIGTERM/SIGHUP. Node's default for
 * those signals is to die without running `exit` listeners, so we catch them,
 * clean up, and then re-raise the signal if nobody else is listening for it, so
 * the exit status still says "killed by signal".
 * Returns a function that removes the hooks (call it after a normal stop).
 */
export function onProcessExit(cleanup: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    cleanup();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const remove = () => {
    process.off('exit', cleanup);
    for (const signal of SIGNALS) process.off(signal, onSignal);
  };
  process.once('exit', cleanup);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return remove;
}
