import type https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** What a connection to the API server needs: TLS material, and the headers that authenticate each request. */
export interface Credentials {
  tls: Pick<https.AgentOptions, 'ca' | 'cert' | 'key' | 'pfx' | 'passphrase' | 'servername' | 'rejectUnauthorized'>;
  headers: Record<string, string>;
  /** Changes when the TLS material changes (a rotated client certificate): connections made with the old one are replaced. */
  tlsKey: string;
}

/** How long credentials read from the kubeconfig are reused; token files rotate slower than this. */
const CREDENTIAL_TTL_MS = 60_000;

/**
 * The kubeconfig's credentials, read with client-node's `applyToHTTPSOptions`
 * (CA, client certificate, bearer token, exec and token-file credentials) at
 * most once a minute, and again after `invalidate` (a 401: a rotated token).
 */
export function credentialSource(kubeConfig: KubeConfig): { get(): Promise<Credentials>; invalidate(): void } {
  let cached: { credentials: Credentials; readAt: number } | undefined;
  let reading: Promise<Credentials> | undefined;
  const read = async (): Promise<Credentials> => {
    const options: https.RequestOptions = { headers: {} };
    await kubeConfig.applyToHTTPSOptions(options);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) if (typeof value === 'string') headers[name.toLowerCase()] = value;
    if (options.auth) headers.authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    const tls: Credentials['tls'] = {};
    for (const key of ['ca', 'cert', 'key', 'pfx', 'passphrase', 'servername', 'rejectUnauthorized'] as const) {
      if (options[key] !== undefined) (tls as Record<string, unknown>)[key] = options[key];
    }
    const tlsKey = JSON.stringify([tls.ca, tls.cert, tls.key, tls.pfx].map((part) => (part === undefined ? '' : String(part))));
    cached = { credentials: { tls, headers, tlsKey }, readAt: Date.now() };
    return cached.credentials;
  };
  return {
    get() {
      if (cached && Date.now() - cached.readAt < CREDENTIAL_TTL_MS) return Promise.resolve(cached.credentials);
      return (reading ??= read().finally(() => (reading = undefined)));
    },
    invalidate() {
      cached = undefined;
    },
  };
}
