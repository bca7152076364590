import { collectionPath, type KubeObject, type ObjectRef, type ResourceInfo } from '../../adapters/kube/client.js';
import type { DriftIncident } from '../../core/alerts/types.js';
import { identityOf } from '../../core/diff/resource-key.js';
import { PART_OF_LABEL } from '../apply/marks.js';

/** One object the watcher keeps an eye on. */
export interface Target {
  key: string;
  ref: ObjectRef;
  info: ResourceInfo;
  /**
   * The object exactly as Ladder applies it, as JSON: self-heal sends it again. Kept only by a
   * watcher that heals (a third of what 20,000 targets held otherwise, for nothing).
   */
  desiredText?: string;
  /** Its content hash, as the sync computed it: equal hashes mean the same apply. */
  hash: string;
  /** Its inventory label, when it has one: a live object without it left the watch's selection. */
  partOf?: string;
  file?: string;
  commit: string;
  /** The server's answer when Ladder applied (or dry-ran) the desired object. */
  snapshot: Kept;
  /** Which watch sees it. */
  watch: WatchSpec;
  /** Live object; null when it is gone or left the selection, undefined until first seen. The same Kept as `snapshot` while it is the apply's answer. */
  live: Kept | null | undefined;
  /** The live version last judged without drift on Ladder's fields; the sync takes the object from the cache while it is still `live`. */
  judgedClean?: Kept;
  /** The live version the last finished evaluation judged (null: gone), so tests can wait for a write to be judged. */
  judged?: Kept | null;
  /** managedFields of the version before `live`, to tell who removed a field. */
  previous?: KubeObject;
  incident?: DriftIncident;
  signature?: string;
  lastHealAt?: number;
  /** When a burst of events began, and when the target is to be judged (the watcher's single timer serves them all). */
  firstDirtyAt?: number;
  dueAt?: number;
  evaluating?: boolean;
  /** New events arrived while it was judged: judge it again after. */
  changedWhileEvaluating?: boolean;
}

export interface WatchSpec {
  key: string;
  path: string;
  selector: { labelSelector?: string; fieldSelector?: string };
}

/** group, kind, namespace, name: the same for the desired object and every version of the live one. */
export function identityOfObject(apiVersion: string, kind: string, namespace: string | undefined, name: string): string {
  return identityOf({ apiVersion, kind, namespace: namespace ?? '', name });
}

export function identityOfLive(object: KubeObject): string | undefined {
  const { apiVersion, kind, metadata } = object;
  if (!apiVersion || !kind || !metadata?.name) return undefined;
  return identityOfObject(apiVersion, kind, metadata.namespace, metadata.name);
}

/**
 * Members of an inventory share one watch per resource and namespace,
 * selected by the inventory label. An object without the label (or one that
 * lost it) gets its own watch by name.
 */
export function watchFor(ref: ObjectRef, info: ResourceInfo, partOf: string | undefined): WatchSpec {
  const namespace = info.namespaced ? ref.namespace : undefined;
  const path = collectionPath(info, namespace);
  // The inventory label the sync puts on every member selects them all with one watch.
  return partOf ? selected(path, { labelSelector: `${PART_OF_LABEL}=${partOf}` }) : byName(path, ref.name);
}

export function byName(path: string, name: string): WatchSpec {
  return selected(path, { fieldSelector: `metadata.name=${name}` });
}

function selected(path: string, selector: WatchSpec['selector']): WatchSpec {
  return { key: `${path}?${selector.labelSelector ?? ''}&${selector.fieldSelector ?? ''}`, path, selector };
}

/**
 * A version of an object as its JSON text, parsed only when judged: thousands
 * of watched objects sit idle, and a parsed ConfigMap with its managedFields
 * takes about five times the memory of its text.
 */
export interface Kept {
  readonly text: string;
  readonly resourceVersion: string | undefined;
}

export function keep(object: KubeObject): Kept {
  return { text: JSON.stringify(object), resourceVersion: object.metadata?.resourceVersion };
}

/**
 * A version already held as the server's JSON text, kept as that text. Its resourceVersion is read
 * when first asked for: handing over a commit keeps every object's answer, and parsing 20,000 of
 * them at once, only for that field, was most of the agent's peak heap after an apply.
 */
export function keepText(text: string): Kept {
  return new KeptText(text);
}

class KeptText implements Kept {
  private version: string | undefined | null = null;
  constructor(readonly text: string) {}
  get resourceVersion(): string | undefined {
    if (this.version === null) this.version = (JSON.parse(this.text) as KubeObject).metadata?.resourceVersion;
    return this.version;
  }
}

/** The label that selects an object's watch, read from the desired object. */
export function partOfLabel(desired: KubeObject): string | undefined {
  return desired.metadata?.labels?.[PART_OF_LABEL];
}

export function unpack(kept: Kept): KubeObject;
export function unpack(kept: Kept | null | undefined): KubeObject | undefined;
export function unpack(kept: Kept | null | undefined): KubeObject | undefined {
  return kept ? (JSON.parse(kept.text) as KubeObject) : undefined;
}

/** Keeps only what attribution reads from an older version. */
export function managedFieldsOnly(object: KubeObject | null | undefined): KubeObject | undefined {
  return object ? { metadata: { managedFields: object.metadata?.managedFields ?? [] } } : undefined;
}

/** The newer of two versions of an object, by etcd revision when both are numbers; else the second. */
export function newer(a: Kept | null | undefined, b: Kept): Kept {
  // The same text is the same version: the one already kept serves (the unchanged re-apply hands over every object so).
  if (a && a.text === b.text) return a;
  const left = Number(a?.resourceVersion);
  const right = Number(b.resourceVersion);
  return a && Number.isSafeInteger(left) && Number.isSafeInteger(right) && left > right ? a : b;
}
