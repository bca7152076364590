// Preloaded (--import) into a child process whose cost a test asserts: on exit, the process's own
// peak resident set (getrusage's ru_maxrss, KiB) and CPU time (user + system, µs) go to
// LADDER_PEAK_RSS_FILE as JSON. A process killed before exiting writes nothing, and the test fails
// for want of numbers.
import { writeFileSync } from 'node:fs';

const out = process.env.LADDER_PEAK_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMicros: usage.userCPUTime + usage.systemCPUTime }));
  });
}
