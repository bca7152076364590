import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiException, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { buildKubeConfig } from './kubeconfig.js';
import { issueClientCertificate } from './pki.js';

export interface ServiceAccountKubeConfigOptions {
  /** Token lifetime; the API server enforces a minimum of 600. Default 3600. */
  expirationSeconds?: number;
}

/** What a ControlPlane offers beyond its admin KubeConfig. */
export interface ControlPlaneAccess {
  newNamespace(prefix?: string): Promise<string>;
  kubeConfigForServiceAccount(namespace: string, name: string, options?: ServiceAccountKubeConfigOptions): Promise<KubeConfig>;
  kubeConfigForUser(user: string, groups?: string[]): Promise<KubeConfig>;
}

export interface AccessContext {
  admin: KubeConfig;
  server: string;
  caPem: string;
  /** Directory with ca.crt and ca.key, when we hold the CA (not for foreign clusters). */
  pkiDir: string | undefined;
}

export function createAccess(context: AccessContext): ControlPlaneAccess {
  const core = context.admin.makeApiClient(CoreV1Api);
  return {
    async newNamespace(prefix = 'test') {
      const name = uniqueNamespaceName(prefix);
      await core.createNamespace({ body: { metadata: { name } } });
      // Stands in for kube-controller-manager (not run here), which creates
      // each namespace's `default` ServiceAccount; Pod admission needs it.
      await createIgnoringConflict(() => core.createNamespacedServiceAccount({ namespace: name, body: { metadata: { name: 'default' } } }));
      return name;
    },

    async kubeConfigForServiceAccount(namespace, name, options = {}) {
      await createIgnoringConflict(() => core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } }));
      const request = await core.createNamespacedServiceAccountToken({
        namespace,
        name,
        body: { spec: { audiences: [], expirationSeconds: options.expirationSeconds ?? 3600 } },
      });
      const token = request.status?.token;
      if (!token) throw new Error(`TokenRequest for ServiceAccount ${namespace}/${name} returned no token`);
      return buildKubeConfig({ server: context.server, caPem: context.caPem, userName: `system:serviceaccount:${namespace}:${name}`, credentials: { token }, namespace });
    },

    async kubeConfigForUser(user, groups = []) {
      const pkiDir = context.pkiDir;
      if (!pkiDir || !existsSync(join(pkiDir, 'ca.key'))) {
        throw new Error(
          `kubeConfigForUser(${user}) needs the test CA's private key, which this cluster does not share ` +
            '(LADDER_TEST_KUBECONFIG points at a cluster not started by test/bed/kube/serve.ts). ' +
            'Use kubeConfigForServiceAccount instead, or a control plane of our own.',
        );
      }
      const credentials = await issueClientCertificate({ dir: pkiDir, caCert: join(pkiDir, 'ca.crt'), caKey: join(pkiDir, 'ca.key') }, { user, groups });
      return buildKubeConfig({ server: context.server, caPem: context.caPem, userName: user, credentials });
    },
  };
}

/** `<prefix>-<8 hex>`, cut to a valid DNS label so any test name works as a prefix. */
export function uniqueNamespaceName(prefix: string): string {
  const cleaned = prefix.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 50).replace(/-+$/, '');
  return `${cleaned || 'test'}-${randomBytes(4).toString('hex')}`;
}

async function createIgnoringConflict(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 409)) throw error;
  }
}
