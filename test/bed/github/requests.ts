/** Every request the server answered, so a test can count the GitHub calls of one operation. */

export interface RequestRecord {
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** The OpenAPI route template, or null when nothing matched (404). */
  route: string | null;
  status: number;
  /** `installation:<id>`, `user:<login>`, `app` or `anonymous`. */
  actor: string;
  /** Answered by an injected fault rather than the handler. */
  fault: boolean;
  durationMs: number;
}

export type RequestFilter = string | ((record: RequestRecord) => boolean);

export class RequestLog {
  readonly entries: RequestRecord[] = [];

  add(record: Omit<RequestRecord, 'seq'>): void {
    this.entries.push({ seq: this.entries.length + 1, ...record });
  }

  /** A position to pass to `since`, to look at the requests of one step only. */
  mark(): number {
    return this.entries.length;
  }

  since(mark: number): RequestRecord[] {
    return this.entries.slice(mark);
  }

  /**
   * Counts matching requests. A string filter is `'METHOD /template'` or just
   * `'/template'`; a function sees each record.
   */
  count(filter?: RequestFilter, from = 0): number {
    return this.entries.slice(from).filter(toPredicate(filter)).length;
  }

  /** `'METHOD /template status'` lines, handy in assertion messages. */
  describe(from = 0): string[] {
    return this.entries.slice(from).map((r) => `${r.method} ${r.route ?? r.path} ${r.status}`);
  }

  clear(): void {
    this.entries.length = 0;
  }
}

function toPredicate(filter: RequestFilter | undefined): (record: RequestRecord) => boolean {
  if (!filter) return () => true;
  if (typeof filter === 'function') return filter;
  const space = filter.indexOf(' ');
  if (space === -1) return (r) => r.route === filter;
  const method = filter.slice(0, space).toUpperCase();
  const route = filter.slice(space + 1);
  return (r) => r.method === method && r.route === route;
}
