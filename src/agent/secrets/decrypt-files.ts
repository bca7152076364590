import { KubeApiError, type KubeClient } from '../../adapters/kube/client.js';
import { parseManifests } from '../../core/manifests/parse.js';
import { isSopsFileName, readSopsFile, sopsFileProblem } from '../../core/secrets/sops-file.js';
import type { ManifestFile, SetProblem } from '../sync/desired.js';
import { runSops, type SopsResult } from './run-sops.js';

export interface SopsSettings {
  /** The `sops` executable. */
  binary: string;
  /** The Secret in the agent's namespace holding the age identities, and its key. */
  keySecret: { namespace: string; name: string; key: string };
  timeoutMs: number;
  maxOutputBytes: number;
  /** Encrypted files decrypted per commit at most (one sops process each). */
  maxFiles: number;
}

export type Decryption = { ok: true; files: ManifestFile[]; decrypted: string[] } | { ok: false; problems: SetProblem[] };

/**
 * Replaces each SOPS-encrypted file of a commit with its plaintext, in
 * memory, just before the apply; the commit is applied only when every one
 * decrypts (a wrong key, a MAC mismatch or a missing key Secret fails the
 * deploy, located at the file, before anything is written). The key Secret
 * is read only when the commit holds an encrypted file, and not kept.
 */
export async function decryptSopsFiles(
  kube: KubeClient,
  files: readonly ManifestFile[],
  settings: SopsSettings,
  signal?: AbortSignal,
  run: (encrypted: string, format: 'yaml' | 'json', ageKey: string) => Promise<SopsResult> = (encrypted, format, ageKey) =>
    runSops(encrypted, { binary: settings.binary, ageKey, format, timeoutMs: settings.timeoutMs, maxOutputBytes: settings.maxOutputBytes, ...(signal ? { signal } : {}) }),
): Promise<Decryption> {
  const encrypted = files.filter((file) => isSopsFileName(file.path) || mentionsSops(file.content));
  const candidates = encrypted.filter((file) => isSopsFileName(file.path) || readSopsFile(file.content, file.path));
  if (candidates.length === 0) return { ok: true, files: [...files], decrypted: [] };
  if (candidates.length > settings.maxFiles) {
    const message = `is one of ${candidates.length} SOPS-encrypted files in this commit; the agent decrypts at most ${settings.maxFiles} per commit (merge Secrets into fewer files)`;
    return { ok: false, problems: [{ file: candidates[settings.maxFiles]!.path, message }] };
  }
  const problems: SetProblem[] = [];
  for (const file of candidates) {
    const problem = sopsFileProblem(file.path, file.content);
    if (problem) problems.push({ file: file.path, message: problem });
  }
  if (problems.length) return { ok: false, problems };

  const key = await readAgeKey(kube, settings.keySecret, signal);
  if (!key.ok) return { ok: false, problems: candidates.map((file) => ({ file: file.path, message: `cannot be decrypted: ${key.reason}` })) };

  const plaintext = new Map<string, string>();
  for (const file of candidates) {
    const result = await run(file.content, /\.json$/i.test(file.path) ? 'json' : 'yaml', key.value);
    if (!result.ok) {
      problems.push({ file: file.path, message: `cannot be decrypted: ${result.reason}` });
      continue;
    }
    const notSecret = nonSecretDocument(result.plaintext, file.path);
    if (notSecret) problems.push({ file: file.path, line: notSecret.line, message: notSecret.message });
    else plaintext.set(file.path, result.plaintext);
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, files: files.map((file) => (plaintext.has(file.path) ? { path: file.path, content: plaintext.get(file.path)! } : file)), decrypted: [...plaintext.keys()] };
}

/** Cheap pre-filter: only a file with a top-level `sops` key can be encrypted. */
function mentionsSops(content: string): boolean {
  return /^(sops:|\s*"sops"\s*:)/m.test(content);
}

/**
 * SOPS files may hold Secrets only: Ladder masks a Secret's values wherever
 * it shows one (drift alerts, logs, deployment statuses), and would show a
 * decrypted ConfigMap's values like any other.
 */
function nonSecretDocument(plaintext: string, file: string): { line: number; message: string } | undefined {
  for (const doc of parseManifests(plaintext, file).documents) {
    const { apiVersion, kind } = doc.object as { apiVersion?: unknown; kind?: unknown };
    if (apiVersion === 'v1' && kind === 'Secret') continue;
    const what = typeof kind === 'string' ? `a ${kind}` : 'a document that is not a Secret';
    return { line: doc.start.line, message: `holds ${what}; a SOPS-encrypted file may hold only v1 Secrets, whose values Ladder never shows (docs/secrets.md)` };
  }
  return undefined;
}

type KeyRead = { ok: true; value: string } | { ok: false; reason: string };

async function readAgeKey(kube: KubeClient, ref: SopsSettings['keySecret'], signal: AbortSignal | undefined): Promise<KeyRead> {
  const where = `the age key Secret ${ref.namespace}/${ref.name}`;
  let secret: { data?: Record<string, string> };
  try {
    secret = await kube.request('GET', `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/secrets/${encodeURIComponent(ref.name)}`, signal ? { signal } : {});
  } catch (error) {
    if (!(error instanceof KubeApiError)) throw error;
    if (error.status === 404) return { ok: false, reason: `${where} does not exist (create it with the environment's age identity, docs/secrets.md)` };
    if (error.status === 403) return { ok: false, reason: `the agent may not read ${where} (deploy/'s Role grants get on it by name)` };
    return { ok: false, reason: `${where} could not be read: ${error.message}` };
  }
  const encoded = secret.data?.[ref.key];
  if (!encoded) return { ok: false, reason: `${where} has no key ${ref.key}` };
  const value = Buffer.from(encoded, 'base64').toString('utf8');
  if (!/AGE-SECRET-KEY-1/.test(value)) return { ok: false, reason: `${where} key ${ref.key} holds no age identity (AGE-SECRET-KEY-1…)` };
  return { ok: true, value };
}
