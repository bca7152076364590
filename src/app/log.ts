import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export interface AppLogOptions {
  level: string;
  /** json: one JSON object per line (production, log collectors); pretty: readable lines for a terminal. */
  format: 'json' | 'pretty';
  /** Fields on every line. */
  base?: Record<string, unknown>;
  /** Default: standard output. */
  destination?: NodeJS.WritableStream;
}

/**
 * The App's logger. In JSON every line is one object with each key once:
 * pino writes a child's bindings after its parent's without merging them, and
 * Probot names every child (`"name":"probot"` then `"name":"event"` on one
 * line), which a strict JSON reader refuses and others read differently. Each
 * line is re-serialised before it is written, keeping the innermost value.
 */
export function createAppLog(options: AppLogOptions): Logger {
  const base = { ...options.base };
  if (options.format === 'pretty') {
    const stream = pretty({ ignore: 'pid,hostname,time,component,req,res,responseTime', colorize: false, sync: true, ...(options.destination ? { destination: options.destination } : {}) });
    return pino({ level: options.level, base }, stream);
  }
  return pino({ level: options.level, base, hooks: { streamWrite: oneValuePerKey } }, options.destination ?? pino.destination({ dest: 1, sync: true }));
}

/**
 * A child with the fields its parent does not carry yet. Work passes its
 * logger down (a delivery binds the commit, then the service, then each
 * environment), and a callee binding again what its caller bound would write
 * the key twice.
 */
export function withFields(log: Logger, fields: Record<string, unknown>): Logger {
  const bound = log.bindings();
  const missing = Object.fromEntries(Object.entries(fields).filter(([key, value]) => value !== undefined && bound[key] === undefined));
  return Object.keys(missing).length > 0 ? log.child(missing) : log;
}

/** `{"a":1,"a":2}` → `{"a":2}`, at every depth; anything unparsable goes out as it came. */
export function oneValuePerKey(line: string): string {
  try {
    return `${JSON.stringify(JSON.parse(line))}\n`;
  } catch {
    return line;
  }
}
