import { readFile, stat } from 'node:fs/promises';

/** One registry's credentials, as a docker config's `auths` entry holds them. */
export type RegistryCredential = { username: string; password: string } | { identityToken: string };

/** A docker config larger than this is not a credentials file. */
const maxFileBytes = 1024 * 1024;

/**
 * Reads a docker-config-style file (`{"auths": {"<host>": {"auth": base64("user:password")}}}`,
 * as `docker login`, `podman login` and Kubernetes' `kubernetes.io/dockerconfigjson`
 * Secrets write it). Keys may be hosts or URLs (`https://index.docker.io/v1/`).
 * Errors name the file and the entry, never a value.
 */
export async function readRegistryCredentials(path: string): Promise<Map<string, RegistryCredential>> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new Error(`cannot read the registry credentials from ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > maxFileBytes) throw new Error(`${path}: ${size} bytes; a registry credentials file is at most ${maxFileBytes}`);
  return parseRegistryCredentials(await readFile(path, 'utf8'), path);
}

export function parseRegistryCredentials(text: string, source: string): Map<string, RegistryCredential> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${source}: not JSON; expected a docker config ({"auths": {"<registry>": {"auth": "…"}}})`);
  }
  const auths = (parsed as { auths?: unknown } | null)?.auths;
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) throw new Error(`${source}: no "auths" object; expected a docker config ({"auths": {"<registry>": {"auth": "…"}}})`);
  const credentials = new Map<string, RegistryCredential>();
  for (const [key, value] of Object.entries(auths as Record<string, unknown>)) {
    const host = registryHost(key);
    const entry = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    const where = `${source}: auths["${key}"]`;
    if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
      credentials.set(host, { identityToken: entry.identitytoken });
    } else if (typeof entry.auth === 'string' && entry.auth !== '') {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) throw new Error(`${where}.auth: not base64 of "user:password" (value not shown)`);
      credentials.set(host, { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
    } else if (typeof entry.username === 'string' && typeof entry.password === 'string') {
      credentials.set(host, { username: entry.username, password: entry.password });
    } else {
      throw new Error(`${where}: needs "auth" (base64 of user:password), "username" and "password", or "identitytoken"`);
    }
  }
  return credentials;
}

/** `https://index.docker.io/v1/` → Docker Hub's API host; `ghcr.io` stays. */
function registryHost(key: string): string {
  const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return host === 'index.docker.io' || host === 'docker.io' ? 'registry-1.docker.io' : host;
}
