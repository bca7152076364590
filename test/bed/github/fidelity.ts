import { readFileSync } from 'node:fs';
import type { Caller, Usage } from './usage.js';

/**
 * The fidelity tables of docs/testing-github.md: every route and event the
 * suite uses, with who uses it and how faithful the bed is. Kept equal to
 * what the bed records over a whole run (test/run.mjs checks at the end).
 */

export interface FidelityTable {
  /** `METHOD /template` → the callers the table names. */
  routes: Map<string, Set<Caller>>;
  events: Set<string>;
  /** Route or event → its fidelity cell: `faithful`, or `differs` and how. */
  verdicts: Map<string, string>;
  /** Rows listed more than once. */
  repeated: string[];
}

const DOC = new URL('../../../docs/testing-github.md', import.meta.url);

/**
 * The rows of the tables under `## Fidelity` whose first cell is in
 * backticks: routes (`| \`GET /x\` | App, tests | faithful | … |`) and
 * events (`| \`push\` | faithful | … |`).
 */
export function readFidelityTable(text = readFileSync(DOC, 'utf8')): FidelityTable {
  const section = text.split(/^## /m).find((part) => part.startsWith('Fidelity')) ?? '';
  const table: FidelityTable = { routes: new Map(), events: new Set(), verdicts: new Map(), repeated: [] };
  for (const [row = ''] of section.matchAll(/^\| `[^`]+` \|.*$/gm)) {
    const cells = row.split('|').slice(1, -1).map((cell) => cell.trim());
    const name = (cells[0] ?? '').replace(/^`|`$/g, '');
    if (table.verdicts.has(name)) table.repeated.push(name);
    if (/^(GET|POST|PUT|PATCH|DELETE) \//.test(name)) {
      const callers = (cells[1] ?? '').split(',').map((c) => c.trim()).filter(Boolean) as Caller[];
      table.routes.set(name, new Set(callers));
      table.verdicts.set(name, cells[2] ?? '');
    } else {
      table.events.add(name);
      table.verdicts.set(name, cells[1] ?? '');
    }
  }
  return table;
}

const CALLERS: readonly string[] = ['App', 'agent', 'tests'] satisfies Caller[];

/** What is wrong with the table itself: rows twice, callers it cannot have, a fidelity cell that says nothing. */
export function tableProblems(table: FidelityTable): string[] {
  const problems = table.repeated.map((name) => `${name} is listed more than once`);
  for (const [route, callers] of table.routes) {
    const unknown = [...callers].filter((caller) => !CALLERS.includes(caller));
    if (!callers.size || unknown.length) problems.push(`${route}: "called by" must name ${CALLERS.join(', ')}; it says ${[...callers].join(', ') || 'nothing'}`);
  }
  for (const [name, verdict] of table.verdicts) {
    if (verdict !== 'faithful' && !/^differs\b.{10,}/.test(verdict)) problems.push(`${name}: the fidelity cell must be "faithful" or "differs: how"; it is "${verdict}"`);
  }
  return problems;
}

/**
 * What disagrees between the table and a run's usage. A complete run must
 * match exactly; a partial one (some files) only must not use anything the
 * table leaves out.
 */
export function compareFidelity(table: FidelityTable, usage: Usage, complete: boolean): string[] {
  const problems: string[] = [];
  const sorted = <T>(items: Iterable<T>) => [...items].sort();
  for (const [route, callers] of usage.routes) {
    const listed = table.routes.get(route);
    if (!listed) {
      problems.push(`${route} is used (by ${sorted(callers).join(', ')}) but not in the fidelity table`);
      continue;
    }
    const unlisted = sorted(callers).filter((caller) => !listed.has(caller));
    if (unlisted.length) problems.push(`${route} is called by ${unlisted.join(', ')} too; the table says ${sorted(listed).join(', ')}`);
  }
  for (const event of usage.events) if (!table.events.has(event)) problems.push(`event ${event} is raised but not in the fidelity table`);
  if (!complete) return problems;
  for (const [route, listed] of table.routes) {
    const used = usage.routes.get(route);
    if (!used) problems.push(`${route} is in the fidelity table but no test used it`);
    else {
      const unused = sorted(listed).filter((caller) => !used.has(caller));
      if (unused.length) problems.push(`${route}: the table says ${unused.join(', ')} call it, but none did`);
    }
  }
  for (const event of table.events) if (!usage.events.has(event)) problems.push(`event ${event} is in the fidelity table but was never raised`);
  return problems;
}
