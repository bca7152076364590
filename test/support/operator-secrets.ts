// External Secrets Operator objects shared by the tests that validate them and the test that applies them.

/** A SecretStore or ClusterSecretStore named `vault`, reading Vault's KV v2 with the Kubernetes auth `role`. */
export function vaultSecretStore(kind: 'SecretStore' | 'ClusterSecretStore', role: string): string {
  return `apiVersion: external-secrets.io/v1
kind: ${kind}
metadata:
  name: vault
spec:
  provider:
    vault:
      server: https://vault.example.com
      path: secret
      version: v2
      auth:
        kubernetes:
          mountPath: kubernetes
          role: ${role}
`;
}
