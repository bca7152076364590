// Issue 15 (2b): External Secrets Operator and Sealed Secrets resources are validated against their
// CRDs (vendored in src/schemas/crds/ from their Go modules) without the CRDs in the manifest set.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import type { SchemaBundle } from '../../src/core/validate/schema/bundle.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';
import { vaultSecretStore } from '../support/operator-secrets.js';

let bundle: SchemaBundle;
before(async () => (bundle = await loadSchemaBundle()));

const findings = (yaml: string, file = 'secrets.yaml') => {
  const validator = createSchemaValidator(bundle);
  return validator.validate(parseManifests(yaml, file).documents).map((f) => `${f.line}:${f.column} ${f.severity} ${f.kind}/${f.name} ${f.message}`);
};

const externalSecret = (extra = '') => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: db
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: ClusterSecretStore
    name: vault
  target:
    name: db
  data:
    - secretKey: password
      remoteRef:
        key: shop/db
        property: password${extra}
`;
const secretStore = (kind: 'SecretStore' | 'ClusterSecretStore') => vaultSecretStore(kind, 'shop');
const sealedSecret = (field = 'encryptedData') => `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db
spec:
  ${field}:
    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq
  template:
    type: Opaque
`;

describe("secret operators' resources, validated against their vendored CRDs", () => {
  it('accepts well-formed ExternalSecret, SecretStore, ClusterSecretStore and SealedSecret objects', () => {
    assert.deepEqual(findings([externalSecret(), secretStore('SecretStore'), secretStore('ClusterSecretStore'), sealedSecret()].join('---\n')), []);
  });

  it('reports a misspelt field at its line, as for a built-in kind', () => {
    assert.deepEqual(findings(externalSecret('\n        propertee: x')), ['17:20 error ExternalSecret/db spec.data[0].remoteRef.propertee: unknown field (did you mean property?)']);
    assert.deepEqual(findings(sealedSecret('encrypteddata')), [
      '6:3 error SealedSecret/db spec.encryptedData: required field missing',
      '7:5 error SealedSecret/db spec.encrypteddata: unknown field (did you mean encryptedData?)',
    ]);
    const wrongType = findings(externalSecret().replace('refreshInterval: 1h', 'refreshInterval: [1h]'));
    assert.equal(wrongType.length, 1, wrongType.join('\n'));
    assert.match(wrongType[0]!, /^6:\d+ error ExternalSecret\/db spec\.refreshInterval: /);
  });

  it('knows their scope: a ClusterSecretStore is cluster-scoped, the others are namespaced', () => {
    const validator = createSchemaValidator(bundle);
    assert.equal(validator.isNamespaced('external-secrets.io/v1', 'ClusterSecretStore'), false);
    assert.equal(validator.isNamespaced('external-secrets.io/v1', 'ExternalSecret'), true);
    assert.equal(validator.isNamespaced('bitnami.com/v1alpha1', 'SealedSecret'), true);
  });

  it('a version the vendored CRD does not serve is an unknown kind, and a CRD in the manifest set takes precedence', () => {
    assert.match(findings(externalSecret().replace('external-secrets.io/v1', 'external-secrets.io/v1beta1')).join('\n'), /unknown kind ExternalSecret \(external-secrets\.io\/v1beta1\)/);
    const ownCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: sealedsecrets.bitnami.com
spec:
  group: bitnami.com
  names: { kind: SealedSecret, plural: sealedsecrets }
  scope: Namespaced
  versions:
    - name: v1alpha1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;
    assert.deepEqual(findings(`${ownCrd}---\n${sealedSecret('encrypteddata')}`), []);
  });
});
