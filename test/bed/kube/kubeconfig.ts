import { writeFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

/** How a kubeconfig user proves who it is. */
export type KubeCredentials = { certPem: string; keyPem: string } | { token: string };

export interface KubeConfigSpec {
  server: string;
  caPem: string;
  /** Names the user entry; only visible in the file. */
  userName: string;
  credentials: KubeCredentials;
  /** Default namespace of the context, like `kubectl config set-context --namespace`. */
  namespace?: string;
}

const CONTEXT = 'ladder-test';

/** Builds an in-memory KubeConfig; certificate data is embedded, so nothing refers to temp files. */
export function buildKubeConfig(spec: KubeConfigSpec): KubeConfig {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  const user =
    'token' in spec.credentials
      ? { name: spec.userName, token: spec.credentials.token }
      : { name: spec.userName, certData: base64(spec.credentials.certPem), keyData: base64(spec.credentials.keyPem) };
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: CONTEXT, server: spec.server, caData: base64(spec.caPem), skipTLSVerify: false }],
    users: [user],
    contexts: [{ name: CONTEXT, cluster: CONTEXT, user: spec.userName, ...(spec.namespace ? { namespace: spec.namespace } : {}) }],
    currentContext: CONTEXT,
  });
  return kubeConfig;
}

/** Writes a kubeconfig file that kubectl and client-node both read. */
export async function writeKubeConfigFile(path: string, kubeConfig: KubeConfig): Promise<void> {
  // exportConfig() emits JSON with undefined-valued keys dropped; YAML is
  // easier to read when debugging with serve.ts.
  await writeFile(path, stringify(JSON.parse(kubeConfig.exportConfig())), { mode: 0o600 });
}
