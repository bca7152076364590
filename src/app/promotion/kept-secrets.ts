import { isNotFound } from '../../adapters/github/errors.js';
import type { ManifestRepo } from '../../adapters/github/port.js';
import { manifestPath } from '../../core/promotion/changes.js';
import { keptSecretsIn, type KeptSecret } from '../../core/secrets/kept-secrets.js';
import { isSopsFileName } from '../../core/secrets/sops-file.js';

/** The agent decrypts at most this many files a commit (docs/secrets.md); more are not read here either. */
const maxFiles = 100;
/** An encrypted Secret is small; a larger file is not read for its identity (the agent's own budget judges it). */
const maxBytes = 1024 * 1024;

/**
 * The documents of the SOPS-encrypted files directly in the service's folder
 * on an environment branch, by clear-text identity: what a render must not
 * redefine. One listing of the folder, and one blob per encrypted file, which
 * the App reads as ciphertext and never decrypts. A file that does not parse
 * names nothing (the agent refuses it, with its line).
 */
export async function readKeptSecrets(manifests: ManifestRepo, branch: string, dir: string): Promise<KeptSecret[]> {
  let listed;
  try {
    listed = await manifests.listFiles(branch, dir, { recursive: false });
  } catch (error) {
    // No branch yet: nothing is kept on it, and writing the promotion says the branch is missing.
    if (isNotFound(error)) return [];
    throw error;
  }
  const files = (listed ?? []).filter((file) => isSopsFileName(file.path) && file.size <= maxBytes).slice(0, maxFiles);
  const kept: KeptSecret[] = [];
  for (const file of files) {
    const path = manifestPath(dir, file.path);
    try {
      kept.push(...keptSecretsIn(path, (await manifests.readBlob(file.blob)).toString('utf8')));
    } catch {
      // Unparseable: it defines nothing the render could collide with here, and the agent reports it.
    }
  }
  return kept;
}
