import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreV1Api, RbacAuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { decodeJwt } from 'jose';

// An agent's identity on the test bed's real API server, as the Ladder App
// checks it (src/app/agent-token): service-account tokens from the
// TokenRequest API (what the kubelet's projected volume holds), the
// cluster's keys at /openid/v1/jwks, and its CA for the App to trust them.

/** Lets anyone read the issuer's discovery document and keys, as a cluster that publishes them does (idempotent). */
export async function publishIssuerKeys(admin: KubeConfig): Promise<void> {
  await admin
    .makeApiClient(RbacAuthorizationV1Api)
    .createClusterRoleBinding({
      body: {
        metadata: { name: 'ladder-test-oidc-reviewer' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:service-account-issuer-discovery' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:unauthenticated' }],
      },
    })
    .catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
}

/** The cluster CA (PEM) the App needs to fetch the keys over https. */
export function clusterCa(admin: KubeConfig): string {
  return Buffer.from(admin.getCurrentCluster()!.caData!, 'base64').toString('utf8');
}

/** A token of the service account (created when missing) for `audiences`. */
export async function serviceAccountToken(admin: KubeConfig, namespace: string, name: string, audiences = ['ladder']): Promise<string> {
  const core = admin.makeApiClient(CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } }).catch((error: { code?: number }) => {
    if (error.code !== 409) throw error;
  });
  const answer = await core.createNamespacedServiceAccountToken({ namespace, name, body: { spec: { audiences, expirationSeconds: 3600 } } });
  return answer.status!.token!;
}

/** Writes an identity token where the agent reads it (its projected volume's file) and returns the path. */
export async function identityTokenFile(dir: string, admin: KubeConfig, namespace: string, name: string): Promise<string> {
  const path = join(dir, `identity-${namespace}-${name}`);
  await writeFile(path, await serviceAccountToken(admin, namespace, name));
  return path;
}

/** The `agents` entry of .ladder/services.yml for a service account of the test cluster. */
export async function agentGrant(admin: KubeConfig, server: string, namespace: string, name: string, environments: string[]): Promise<Record<string, unknown>> {
  const issuer = decodeJwt(await serviceAccountToken(admin, namespace, name)).iss!;
  return { issuer, subject: `system:serviceaccount:${namespace}:${name}`, jwksUri: `${server}/openid/v1/jwks`, environments };
}
