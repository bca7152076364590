import type { Logger } from 'pino';
import type { KubeClient, KubeObject } from '../../adapters/kube/client.js';
import { byName, type Target, type WatchSpec } from './target.js';
import { WatchGroup, type ListPage } from './watch-group.js';

export type WatchEvent = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchHandlers {
  /** `member`: from a group's selection; `stray`: from the watch by name of an object that left it. */
  onEvent(type: WatchEvent, object: KubeObject, source: 'member' | 'stray'): void;
  /** One page of a group's (re)list (see WatchGroupHandlers.onListed). */
  onListed(watchKey: string, objects: KubeObject[], page: ListPage): void;
}

/**
 * The watches behind a drift watcher: one group per resource, namespace and
 * selector the targets need, started and stopped as the set of targets
 * changes, and a watch by name for each object whose inventory label was
 * changed (it left its group's selection but is still Ladder's).
 */
export class Watches {
  private readonly groups = new Map<string, WatchGroup>();
  private readonly strays = new Map<string, WatchGroup>();
  private running = false;

  constructor(
    private readonly client: KubeClient,
    private readonly handlers: WatchHandlers,
    private readonly log?: Pick<Logger, 'info' | 'warn' | 'debug'>,
  ) {}

  /** Whether a group for this spec exists (its list may not have arrived yet). */
  has(watchKey: string): boolean {
    return this.groups.has(watchKey);
  }

  /** Whether the group for this spec is listed and watching: its objects' live versions are current. */
  synced(watchKey: string): boolean {
    return this.groups.get(watchKey)?.synced() ?? false;
  }

  /** Keeps exactly the groups `wanted` names: stops the others, creates (and, when running, starts) the missing ones. */
  follow(wanted: ReadonlyMap<string, WatchSpec>): void {
    for (const [key, group] of this.groups) {
      if (wanted.has(key)) continue;
      this.groups.delete(key);
      void group.stop();
    }
    for (const [key, spec] of wanted) {
      if (this.groups.has(key)) continue;
      const group = new WatchGroup(this.client, spec.path, spec.selector, {
        onEvent: (type, object) => this.handlers.onEvent(type, object, 'member'),
        onListed: (objects, page) => this.handlers.onListed(spec.key, objects, page),
      }, { log: this.log });
      this.groups.set(key, group);
      if (this.running) group.start();
    }
  }

  start(): void {
    this.running = true;
    for (const group of this.groups.values()) group.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all([...this.groups.values(), ...this.strays.values()].map((group) => group.stop()));
    this.strays.clear();
  }

  /** Watches one object by name after it left its group's selection. */
  watchStray(target: Target): void {
    if (this.strays.has(target.key) || !this.running) return;
    const spec = byName(target.watch.path, target.ref.name);
    if (spec.key === target.watch.key) return; // its own watch already selects by name
    const group = new WatchGroup(this.client, spec.path, spec.selector, {
      onEvent: (type, object) => this.handlers.onEvent(type, object, 'stray'),
      // The list covers changes between the GET that found it and the watch.
      onListed: ([object]) => object && this.handlers.onEvent('MODIFIED', object, 'stray'),
    }, { log: this.log });
    this.strays.set(target.key, group);
    group.start();
  }

  /** The object is back in its group's selection: its watch by name ends. */
  stopStray(targetKey: string): void {
    const group = this.strays.get(targetKey);
    if (!group) return;
    this.strays.delete(targetKey);
    void group.stop();
  }
}
