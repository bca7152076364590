import { pino, type Logger } from 'pino';

/** A pino logger for agent tests: silent unless LADDER_TEST_LOG=1 (then to stderr at debug). */
export function testLogger(): Logger {
  return process.env.LADDER_TEST_LOG === '1' ? pino({ level: 'debug' }, pino.destination(2)) : pino({ level: 'silent' });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs` with `what`. */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
