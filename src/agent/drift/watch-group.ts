import type { Logger } from 'pino';
import { KubeApiError, type KubeClient, type KubeList, type KubeObject, type WatchHandle } from '../../adapters/kube/client.js';

export interface WatchGroupHandlers {
  /** A change of one object in the selection. DELETED also means "left the selection" (a label changed). */
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void;
  /**
   * One page of a (re)list, in order. Objects in no page of the list (`last` ends it) are gone or
   * no longer selected; `first` begins a list, and a list that failed midway is begun again.
   */
  onListed(objects: KubeObject[], page: ListPage): void;
}

export interface ListPage {
  first: boolean;
  last: boolean;
}

/**
 * Objects per page of a list. A selection of 20,000 ConfigMaps is about 25 MB of JSON: read whole, its
 * text, its parsed objects and their copies were all held at once right after the first apply (the
 * agent's peak memory); a page at a time, one page is.
 */
export const LIST_PAGE_SIZE = 500;

export interface WatchGroupOptions {
  log?: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** First wait after a failure; doubles up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Resume watching from this version instead of listing first (a version kept from an earlier run). */
  resourceVersion?: string;
  /** Objects per page of a list; default LIST_PAGE_SIZE. */
  pageSize?: number;
  /** Ask the server to end each watch after this long; default 300. */
  timeoutSeconds?: number;
  /**
   * How long past `timeoutSeconds` a watch may stay open: past it the
   * connection is taken for dead (a peer gone without a FIN) and replaced.
   * Default 30 s.
   */
  silenceGraceMs?: number;
}

const DEFAULT_WATCH_TIMEOUT_SECONDS = 300;

/**
 * One list-then-watch over a collection (a resource in a namespace) with a
 * selector. It lists once, then watches from that resourceVersion with
 * bookmarks, resuming from the last version it saw when the server ends the
 * watch, and lists again only on 410 Gone. Idle, it costs one open watch
 * and a reconnect every few minutes, whatever the number of objects. A
 * watch still open well after the timeout it asked for is on a dead
 * connection, and is replaced (resuming from the last version seen).
 */
export class WatchGroup {
  private resourceVersion: string | undefined;
  private handle: WatchHandle | undefined;
  private running = false;
  private wake: (() => void) | undefined;
  private readonly done: Promise<void>[] = [];
  /** A watch from the listed version is open: what this group reported is all the server has said so far. */
  private open = false;

  constructor(
    private readonly client: KubeClient,
    readonly path: string,
    private readonly selector: { labelSelector?: string; fieldSelector?: string },
    private readonly handlers: WatchGroupHandlers,
    private readonly options: WatchGroupOptions = {},
  ) {
    this.resourceVersion = options.resourceVersion;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.done.push(this.loop());
  }

  /** Whether the group is listed and its watch open, so its objects' last reported versions are current (as of the watch's delivery). */
  synced(): boolean {
    return this.running && this.open;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.open = false;
    this.handle?.abort();
    this.wake?.();
    await Promise.all(this.done);
  }

  private async loop(): Promise<void> {
    const initialBackoff = this.options.backoffMs ?? 1000;
    let backoff = initialBackoff;
    while (this.running) {
      try {
        if (this.resourceVersion === undefined) await this.list();
        const startedAt = Date.now();
        const error = await this.watchOnce();
        if (error instanceof KubeApiError && (error.status === 410 || error.reason === 'Expired' || error.reason === 'Gone')) {
          this.resourceVersion = undefined; // too old: the server no longer has the events since then
          continue;
        }
        if (error) throw error;
        backoff = initialBackoff;
        // A server that ends watches at once must not be hammered.
        if (Date.now() - startedAt < 1000) await this.sleep(initialBackoff);
      } catch (error) {
        if (!this.running) break;
        this.options.log?.warn({ path: this.path, error: (error as Error).message }, 'drift watch failed; retrying');
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.options.maxBackoffMs ?? 30_000);
      }
    }
  }

  /** Lists the selection a page at a time (one consistent snapshot: the pages share the first's version), then watches from it. */
  private async list(): Promise<void> {
    let next: string | undefined;
    let first = true;
    do {
      const list: KubeList = await this.client.request<KubeList>('GET', this.path, { query: { ...this.selector, limit: this.options.pageSize ?? LIST_PAGE_SIZE, continue: next } });
      const kind = list.kind?.replace(/List$/, '');
      // Items of a list carry neither apiVersion nor kind; the list says them once.
      for (const item of list.items) Object.assign(item, { apiVersion: list.apiVersion, kind });
      next = list.metadata?.continue || undefined;
      if (!next) this.resourceVersion = list.metadata?.resourceVersion;
      if (!this.running) return;
      this.handlers.onListed(list.items, { first, last: !next });
      first = false;
    } while (next);
  }

  private watchOnce(): Promise<Error | undefined> {
    return new Promise((resolve) => {
      if (!this.running) return resolve(undefined);
      const timeoutSeconds = this.options.timeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS;
      const query = { ...this.selector, resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds };
      const silence = setTimeout(() => {
        this.handle?.abort();
        resolve(new Error(`no end of the watch ${timeoutSeconds} s after it began: the connection is taken for dead`));
      }, timeoutSeconds * 1000 + (this.options.silenceGraceMs ?? 30_000));
      this.handle = this.client.watch(
        this.path,
        query,
        (type, object) => {
          const version = object.metadata?.resourceVersion;
          if (version) this.resourceVersion = version;
          if (type !== 'BOOKMARK' && this.running) this.handlers.onEvent(type, object);
        },
        (error) => {
          clearTimeout(silence);
          this.open = false;
          this.handle = undefined;
          resolve(error);
        },
        () => {
          this.open = this.running;
        },
      );
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
