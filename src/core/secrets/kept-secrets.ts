import { groupOf } from '../kubernetes/scope.js';
import type { KubeObject } from '../manifests/document.js';
import { readSopsFile } from './sops-file.js';

/**
 * A document of a SOPS-encrypted file committed on an environment branch,
 * known by its clear-text identity. The agent applies it beside the render,
 * so a rendered resource with the same identity would be applied twice, one
 * copy overwriting the other: a render must leave these identities alone.
 */
export interface KeptSecret {
  /** The encrypted file on the branch, as the error names it. */
  file: string;
  apiVersion?: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** The documents of one encrypted file that name a kind and a name in clear text. */
export function keptSecretsIn(file: string, content: string): KeptSecret[] {
  const summary = readSopsFile(content, file);
  if (!summary) return [];
  const kept: KeptSecret[] = [];
  for (const doc of summary.documents) {
    if (!doc.kind || !doc.name) continue;
    kept.push({ file, kind: doc.kind, name: doc.name, ...(doc.apiVersion ? { apiVersion: doc.apiVersion } : {}), ...(doc.namespace ? { namespace: doc.namespace } : {}) });
  }
  return kept;
}

/**
 * The kept document a rendered object would collide with, or undefined.
 * `namespace` is where the object goes (after the environment's default);
 * a kept document that names none goes to the environment's namespace too,
 * as the agent applies it there.
 */
export function keptSecretAt(kept: readonly KeptSecret[], object: KubeObject, namespace: string | undefined, environmentNamespace: string): KeptSecret | undefined {
  const metadata = object.metadata as Record<string, unknown>;
  const group = groupOf(String(object.apiVersion));
  return kept.find((doc) =>
    doc.kind === object.kind &&
    doc.name === metadata.name &&
    (doc.apiVersion === undefined || groupOf(doc.apiVersion) === group) &&
    (doc.namespace ?? environmentNamespace) === (namespace ?? environmentNamespace));
}
