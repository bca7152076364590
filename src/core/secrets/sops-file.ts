import { parseManifests } from '../manifests/parse.js';

/**
 * SOPS-encrypted manifests (docs/secrets.md). They sit in the manifest
 * repository beside Ladder's renders, are written by people (never by the
 * App), and are decrypted only by the agent, just before it applies them.
 * This file is the pure part: recognising such a file and describing it by
 * what is in clear text (kind, name, key names), never by its values.
 */

/** `secret-db.sops.yaml`: the name that tells the App the file is not its own and the agent to decrypt it. */
const sopsName = /\.sops\.(ya?ml|json)$/i;

export function isSopsFileName(path: string): boolean {
  return sopsName.test(path);
}

/**
 * Key services SOPS can ask for a data key besides age. The agent holds an
 * age identity only; a file that names another service would make `sops`
 * call out (a cloud KMS, a Vault address written by whoever wrote the file),
 * so such files are refused before `sops` runs.
 */
const otherKeyServices = ['kms', 'gcp_kms', 'azure_kv', 'hc_vault', 'pgp'] as const;

export interface SopsMetadata {
  /** The age recipients the data key is encrypted to (`age1…`). */
  ageRecipients: string[];
  /** Key services other than age that the file names (refused by the agent). */
  otherKeyServices: string[];
}

export interface SopsDocumentSummary {
  /** 1-based line where the document starts. */
  line: number;
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  /** Keys of `data` and `stringData`: their values are ciphertext and are never described. */
  keys: string[];
}

export interface SopsFileSummary {
  metadata: SopsMetadata;
  documents: SopsDocumentSummary[];
}

/**
 * The SOPS metadata and the clear-text outline of a file, or undefined when
 * no document of it carries a `sops` block with a MAC (an ordinary manifest).
 */
export function readSopsFile(content: string, file: string): SopsFileSummary | undefined {
  const parsed = parseManifests(content, file);
  const ageRecipients = new Set<string>();
  const others = new Set<string>();
  const documents: SopsDocumentSummary[] = [];
  let encrypted = false;
  for (const doc of parsed.documents) {
    const object = doc.object as Record<string, unknown>;
    const sops = object.sops;
    if (!isRecord(sops) || typeof sops.mac !== 'string') continue;
    encrypted = true;
    for (const entry of listOf(sops.age)) {
      if (isRecord(entry) && typeof entry.recipient === 'string') ageRecipients.add(entry.recipient);
    }
    for (const service of otherKeyServices) if (listOf(sops[service]).length > 0) others.add(service);
    for (const group of listOf(sops.key_groups)) {
      if (!isRecord(group)) continue;
      for (const [service, entries] of Object.entries(group)) {
        if (service === 'age') for (const entry of listOf(entries)) if (isRecord(entry) && typeof entry.recipient === 'string') ageRecipients.add(entry.recipient);
        if (service !== 'age' && listOf(entries).length > 0) others.add(service);
      }
    }
    documents.push(outline(object, doc.start.line));
  }
  if (!encrypted) return undefined;
  return { metadata: { ageRecipients: [...ageRecipients].sort(), otherKeyServices: [...others].sort() }, documents };
}

/** Why the agent will not decrypt this file, or undefined when it may. */
export function sopsFileProblem(path: string, content: string): string | undefined {
  const summary = readSopsFile(content, path);
  if (!summary) {
    if (!isSopsFileName(path)) return undefined;
    return 'is named as a SOPS-encrypted file but holds no SOPS metadata (a `sops:` block with a MAC): encrypt it with `sops encrypt` before committing, and rotate anything it held in clear text (docs/secrets.md)';
  }
  if (summary.metadata.otherKeyServices.length > 0) {
    return `is encrypted for ${summary.metadata.otherKeyServices.join(', ')}; the agent decrypts with age only, so encrypt it to the environment's age recipient (docs/secrets.md)`;
  }
  if (summary.metadata.ageRecipients.length === 0) return 'names no age recipient; encrypt it to the environment\'s age recipient (docs/secrets.md)';
  return undefined;
}

/**
 * A SOPS-encrypted document as validation sees it: without the `sops`
 * metadata, and with the `data` values (ciphertext, not base64) left empty,
 * so its structure is checked and its values are left to the agent's
 * dry-run after decryption. Anything else is returned as is.
 */
export function ciphertextView(object: Record<string, unknown>): Record<string, unknown> {
  const sops = object.sops;
  if (!isRecord(sops) || typeof sops.mac !== 'string') return object;
  const { sops: _metadata, ...rest } = object;
  const data = rest.data;
  if (isRecord(data)) rest.data = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, typeof value === 'string' && value.startsWith('ENC[') ? '' : value]));
  return rest;
}

/** `Secret web/db (keys: password, user)`: what a PR body, a diff or a log may say about an encrypted document. */
export function describeSopsDocument(doc: SopsDocumentSummary): string {
  const kind = doc.kind ?? 'document';
  const name = doc.name ? (doc.namespace ? `${doc.namespace}/${doc.name}` : doc.name) : `at line ${doc.line}`;
  return `${kind} ${name}${doc.keys.length > 0 ? ` (keys: ${doc.keys.join(', ')})` : ''}`;
}

function outline(object: Record<string, unknown>, line: number): SopsDocumentSummary {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const keys = new Set<string>();
  for (const field of ['data', 'stringData']) {
    const values = object[field];
    if (isRecord(values)) for (const key of Object.keys(values)) keys.add(key);
  }
  const summary: SopsDocumentSummary = { line, keys: [...keys].sort() };
  const apiVersion = clearText(object.apiVersion);
  const kind = clearText(object.kind);
  const name = clearText(metadata.name);
  const namespace = clearText(metadata.namespace);
  if (apiVersion) summary.apiVersion = apiVersion;
  if (kind) summary.kind = kind;
  if (name) summary.name = name;
  if (namespace) summary.namespace = namespace;
  return summary;
}

/** A value SOPS left in clear text (`encrypted_regex: ^(data|stringData)$`); an `ENC[…]` one tells nothing. */
function clearText(value: unknown): string | undefined {
  return typeof value === 'string' && value && !value.startsWith('ENC[') ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
