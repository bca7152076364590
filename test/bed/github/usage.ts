import { appendFileSync } from 'node:fs';

/**
 * What the suite uses of GitHub, across every test process: each route the
 * bed answers (with who called it) and each event it raises or is asked to
 * send. `test/run.mjs` names a file in `LADDER_BED_USAGE_FILE`; every process
 * appends a line the first time it sees something, and the run ends by
 * comparing the file with the fidelity table in docs/testing-github.md.
 */

/** Who called: Ladder's App (Probot's client), its agent, or a test acting as a person, CI or fixture. */
export type Caller = 'App' | 'agent' | 'tests';

export function callerOf(userAgent: string | undefined): Caller {
  const agent = userAgent ?? '';
  if (agent.startsWith('probot/')) return 'App';
  if (agent.startsWith('ladder-agent')) return 'agent';
  return 'tests';
}

const seen = new Set<string>();

function record(line: string): void {
  const file = process.env.LADDER_BED_USAGE_FILE;
  if (!file || seen.has(line)) return;
  seen.add(line);
  // One short line per write: appends of this size from concurrent processes do not interleave.
  appendFileSync(file, `${line}\n`);
}

export function recordRoute(method: string, route: string, userAgent: string | undefined): void {
  record(`route\t${method} ${route}\t${callerOf(userAgent)}`);
}

export function recordEvent(event: string, action: string | undefined): void {
  record(`event\t${event}${action ? `.${action}` : ''}`);
}

export interface Usage {
  /** `METHOD /template` → callers. */
  routes: Map<string, Set<Caller>>;
  /** `event.action` (or `event`). */
  events: Set<string>;
}

/** Reads what a run recorded. */
export function parseUsage(text: string): Usage {
  const usage: Usage = { routes: new Map(), events: new Set() };
  for (const line of text.split('\n')) {
    const [kind, name, caller] = line.split('\t');
    if (kind === 'route' && name && caller) {
      const callers = usage.routes.get(name) ?? new Set<Caller>();
      callers.add(caller as Caller);
      usage.routes.set(name, callers);
    } else if (kind === 'event' && name) {
      usage.events.add(name);
    }
  }
  return usage;
}
