import type { KubeObject } from '../manifests/document.js';
import { diffValues } from './diff-values.js';
import { formatFieldPath } from './field-path.js';

/**
 * How SOPS-encrypted documents differ, by what their ciphertext can tell and
 * nothing more (docs/secrets.md). SOPS keeps a value's ciphertext when an edit
 * (`sops edit`, `sops set`) leaves the value alone, and gives it a fresh IV
 * when the value changes; but a re-encryption under a new data key (`sops
 * rotate`, or decrypting and encrypting again) gives every value new
 * ciphertext, changed or not. So a key whose ciphertext changed is reported
 * as changed, except when every value's ciphertext changed and the data key
 * may be new (no recipient's wrapped key stayed the same): then the document
 * is reported as re-encrypted, with no claim about which values changed. No
 * value and no ciphertext is ever in the result: only key names, field paths
 * and age recipients (public keys).
 */

/** A document that carries a `sops` block with a MAC: an encrypted one. */
export function isSopsObject(object: KubeObject): boolean {
  const sops = object.sops;
  return isRecord(sops) && typeof sops.mac === 'string';
}

export interface SopsDocumentInput {
  object: KubeObject;
  /** Where it came from, to say where. */
  file?: string;
  /** Its file as both sides name it (relative to the side's root), to match documents without a clear-text identity; `file` when absent. */
  place?: string;
}

export interface SopsDiffOptions {
  /** Match documents by group, kind and name alone, as `diffResources` does for two environments. */
  acrossNamespaces?: boolean;
}

export interface SopsDocumentChange {
  change: 'added' | 'removed' | 'changed';
  /** `Secret shop/db`, from clear-text fields only; a document whose name is encrypted is named by its file. */
  label: string;
  file?: string;
  /** For an added document, its keys; for a removed one, empty. */
  keysAdded: string[];
  keysRemoved: string[];
  /** Keys on both sides whose ciphertext changed, when not every value's did. */
  keysChanged: string[];
  /** Keys on both sides when every one of them has new ciphertext under a data key that may be new: re-encrypted, which values changed is unknown. */
  keysReencrypted: string[];
  /** Fields other than `data`/`stringData` and the SOPS metadata that differ (paths only: they may be ciphertext too). */
  fieldsChanged: string[];
  recipientsAdded: string[];
  recipientsRemoved: string[];
}

/** Compares the encrypted documents of two sides, matched by clear-text identity (or file and position). */
export function diffSopsDocuments(before: readonly SopsDocumentInput[], after: readonly SopsDocumentInput[], options: SopsDiffOptions = {}): SopsDocumentChange[] {
  const left = indexDocuments(before, options.acrossNamespaces === true);
  const right = indexDocuments(after, options.acrossNamespaces === true);
  const changes: SopsDocumentChange[] = [];
  for (const [identity, entry] of right) {
    const old = left.get(identity);
    if (!old) changes.push({ ...empty('added', entry), keysAdded: [...valuesOf(entry.input.object).keys()].sort() });
    else {
      const change = compareDocuments(old.input.object, entry);
      if (change) changes.push(change);
    }
  }
  for (const [identity, entry] of left) if (!right.has(identity)) changes.push(empty('removed', entry));
  return changes.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

/** `~ Secret shop/db (SOPS): keys added: x; changed: y; removed: z`, one line, no values. */
export function formatSopsChange(change: SopsDocumentChange): string {
  const sign = change.change === 'added' ? '+' : change.change === 'removed' ? '-' : '~';
  const parts: string[] = [];
  const list = (names: string[]) => names.join(', ');
  if (change.change === 'added') parts.push(change.keysAdded.length > 0 ? `keys: ${list(change.keysAdded)}` : 'no keys');
  if (change.change === 'changed') {
    const keys: string[] = [];
    if (change.keysAdded.length > 0) keys.push(`added: ${list(change.keysAdded)}`);
    if (change.keysChanged.length > 0) keys.push(`changed: ${list(change.keysChanged)}`);
    if (change.keysRemoved.length > 0) keys.push(`removed: ${list(change.keysRemoved)}`);
    if (keys.length > 0) parts.push(`keys ${keys.join('; ')}`);
    if (change.keysReencrypted.length > 0) {
      parts.push(`re-encrypted: every value has new ciphertext (${list(change.keysReencrypted)}), so which of them changed cannot be told`);
    }
    if (change.fieldsChanged.length > 0) parts.push(`fields changed: ${list(change.fieldsChanged)}`);
    if (change.recipientsAdded.length > 0) parts.push(`age recipients added: ${list(change.recipientsAdded)}`);
    if (change.recipientsRemoved.length > 0) parts.push(`age recipients removed: ${list(change.recipientsRemoved)}`);
    if (parts.length === 0) parts.push('SOPS metadata changed, no key or value');
  }
  return `${sign} ${change.label} (SOPS)${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`;
}

interface IndexedDocument {
  input: SopsDocumentInput;
  label: string;
}

function indexDocuments(documents: readonly SopsDocumentInput[], acrossNamespaces: boolean): Map<string, IndexedDocument> {
  const index = new Map<string, IndexedDocument>();
  const positions = new Map<string, number>();
  for (const input of documents) {
    const identity = clearIdentity(input.object, acrossNamespaces);
    let key: string;
    let label: string;
    if (identity) {
      key = identity.key;
      label = identity.label;
    } else {
      // No clear-text kind and name (the whole document is encrypted): the file and the document's place in it.
      const file = input.place ?? input.file ?? '(input)';
      const position = (positions.get(file) ?? 0) + 1;
      positions.set(file, position);
      key = `\u0001${file}\u0000${position}`;
      label = `document ${position} of ${file}`;
    }
    // A second document with the same identity: keep both, told apart by their file.
    if (index.has(key)) key = `${key}\u0000${input.place ?? input.file ?? index.size}`;
    index.set(key, { input, label });
  }
  return index;
}

function clearIdentity(object: KubeObject, acrossNamespaces: boolean): { key: string; label: string } | undefined {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const kind = clearText(object.kind);
  const name = clearText(metadata.name);
  if (!kind || !name) return undefined;
  const namespace = clearText(metadata.namespace) ?? '';
  const group = (clearText(object.apiVersion) ?? '').split('/').slice(0, -1).join('/');
  return { key: [group, kind, acrossNamespaces ? '' : namespace, name].join('\u0000'), label: `${kind} ${namespace ? `${namespace}/` : ''}${name}` };
}

function compareDocuments(before: KubeObject, entry: IndexedDocument): SopsDocumentChange | undefined {
  const after = entry.input.object;
  const change = empty('changed', entry);
  const [old, now] = [valuesOf(before), valuesOf(after)];
  const shared: string[] = [];
  for (const key of now.keys()) if (!old.has(key)) change.keysAdded.push(key);
  for (const key of old.keys()) if (!now.has(key)) change.keysRemoved.push(key);
  for (const key of now.keys()) if (old.has(key)) shared.push(key);
  const differing = shared.filter((key) => old.get(key) !== now.get(key)).sort();
  if (differing.length > 0 && differing.length === shared.length && !keepsDataKey(before, after)) change.keysReencrypted = differing;
  else change.keysChanged = differing;
  change.keysAdded.sort();
  change.keysRemoved.sort();
  change.fieldsChanged = diffValues(clearPart(before), clearPart(after)).map((c) => formatFieldPath(c.path));
  const [wasTo, isTo] = [recipientsOf(before), recipientsOf(after)];
  change.recipientsAdded = [...isTo].filter((r) => !wasTo.has(r)).sort();
  change.recipientsRemoved = [...wasTo].filter((r) => !isTo.has(r)).sort();
  if (JSON.stringify(before) === JSON.stringify(after)) return undefined;
  return change;
}

function empty(kind: SopsDocumentChange['change'], entry: IndexedDocument): SopsDocumentChange {
  return {
    change: kind,
    label: entry.label,
    ...(entry.input.file ? { file: entry.input.file } : {}),
    keysAdded: [],
    keysRemoved: [],
    keysChanged: [],
    keysReencrypted: [],
    fieldsChanged: [],
    recipientsAdded: [],
    recipientsRemoved: [],
  };
}

/**
 * Key name → its ciphertext, for `data` and `stringData` (a key in both is
 * one key, as the API server merges them). Compared, never shown.
 */
function valuesOf(object: KubeObject): Map<string, string> {
  const values = new Map<string, string>();
  for (const field of ['data', 'stringData']) {
    const entries = object[field];
    if (!isRecord(entries)) continue;
    for (const [key, value] of Object.entries(entries)) values.set(key, `${values.get(key) ?? ''}\u0000${JSON.stringify(value)}`);
  }
  return values;
}

/** The document without its values and its SOPS metadata. */
function clearPart(object: KubeObject): KubeObject {
  const { sops: _sops, data: _data, stringData: _stringData, ...rest } = object;
  return rest;
}

function recipientsOf(object: KubeObject): Set<string> {
  return new Set(wrappedKeysOf(object).keys());
}

/**
 * Whether both sides certainly share one data key: some recipient's wrapped
 * key (`enc`, the data key encrypted to it by age, which never encrypts the
 * same way twice) is byte for byte the same. Then a value whose ciphertext
 * did not change did not change, and one whose ciphertext changed did.
 */
function keepsDataKey(before: KubeObject, after: KubeObject): boolean {
  const was = wrappedKeysOf(before);
  for (const [recipient, enc] of wrappedKeysOf(after)) if (enc !== '' && was.get(recipient) === enc) return true;
  return false;
}

/** Age recipient → its wrapped data key, from `sops.age` and `sops.key_groups`. */
function wrappedKeysOf(object: KubeObject): Map<string, string> {
  const keys = new Map<string, string>();
  const sops = isRecord(object.sops) ? object.sops : {};
  const groups = [sops.age, ...(Array.isArray(sops.key_groups) ? sops.key_groups.map((g) => (isRecord(g) ? g.age : undefined)) : [])];
  for (const group of groups) {
    if (!Array.isArray(group)) continue;
    for (const entry of group) if (isRecord(entry) && typeof entry.recipient === 'string') keys.set(entry.recipient, typeof entry.enc === 'string' ? entry.enc : '');
  }
  return keys;
}

/** A value SOPS left in clear text; an `ENC[…]` one tells nothing and is never shown. */
function clearText(value: unknown): string | undefined {
  return typeof value === 'string' && value && !value.startsWith('ENC[') ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
