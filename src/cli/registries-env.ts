import { readRegistryCredentials, type RegistryCredential } from '../adapters/registry/credentials.js';

export interface RegistriesConfig {
  /** Registry host → pull credentials, from LADDER_REGISTRY_AUTH_FILE. */
  credentials: ReadonlyMap<string, RegistryCredential>;
  /** Hosts reached over plain HTTP (LADDER_REGISTRY_PLAIN_HTTP); every other is HTTPS. */
  plainHttp: readonly string[];
}

/**
 * The registries' credentials and plain-HTTP hosts, as `ladder app` (the image
 * gate, pinned charts) and `ladder render` (pinned charts) read them; each
 * mistake is added to `problems`, naming the variable.
 */
export async function registriesFromEnv(value: (name: string) => string | undefined, problems: string[]): Promise<RegistriesConfig> {
  const plainHttp = (value('LADDER_REGISTRY_PLAIN_HTTP') ?? '').split(',').map((host) => host.trim()).filter((host) => host !== '');
  for (const host of plainHttp) if (!/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(host)) problems.push(`LADDER_REGISTRY_PLAIN_HTTP: '${host}' is not a host or host:port`);
  const authFile = value('LADDER_REGISTRY_AUTH_FILE');
  let credentials: RegistriesConfig['credentials'] = new Map();
  if (authFile !== undefined) {
    try {
      credentials = await readRegistryCredentials(authFile);
    } catch (error) {
      problems.push(`LADDER_REGISTRY_AUTH_FILE: ${(error as Error).message}`);
    }
  }
  return { credentials, plainHttp };
}
