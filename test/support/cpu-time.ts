// "Refused quickly, not by expanding the bomb" is a claim about work done, so the budget tests
// measure the CPU time this process spends rather than the wall time: wall time grows with
// whatever else shares the two cores (the full suite runs two files at once beside API servers),
// CPU time does not, and a runaway (catastrophic backtracking, an expanded alias bomb, a 50 MiB
// read) still costs seconds to minutes of it.

/** Milliseconds of CPU (user and system) this process has used so far, on all its threads. */
function cpuNowMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Runs `run` and returns its value with the CPU milliseconds it cost. */
export function cpuTimed<T>(run: () => T): { value: T; ms: number } {
  const started = cpuNowMs();
  const value = run();
  return { value, ms: cpuNowMs() - started };
}

/** As cpuTimed, for asynchronous work; time spent waiting (on I/O, a timer) costs nothing. */
export async function cpuTimedAsync<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = cpuNowMs();
  const value = await run();
  return { value, ms: cpuNowMs() - started };
}
