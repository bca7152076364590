// The identities a render may not take: the documents of the SOPS-encrypted files on the
// environment branch (docs/secrets.md). Pure: the files are shaped as sops writes them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LadderInputError } from '../../src/core/errors.js';
import { placeResources } from '../../src/core/render/resources.js';
import { keptSecretAt, keptSecretsIn } from '../../src/core/secrets/kept-secrets.js';

const encrypted = (metadata: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n${metadata}\nstringData:\n  password: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\nsops:\n  age:\n    - recipient: age1abc\n      enc: x\n  mac: ENC[AES256_GCM,data:m,iv:y,tag:z,type:str]\n  version: 3.13.3\n`;
const resource = (object: Record<string, unknown>, template = 'deploy/chart/templates/secret.yaml') => ({ template, object });

describe('kept Secrets', () => {
  it('reads the clear-text identity of each encrypted document, and nothing of a plain or nameless one', () => {
    assert.deepEqual(keptSecretsIn('pay/db.sops.yaml', encrypted('  name: db\n  namespace: pay')), [{ file: 'pay/db.sops.yaml', apiVersion: 'v1', kind: 'Secret', name: 'db', namespace: 'pay' }]);
    assert.deepEqual(keptSecretsIn('pay/plain.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n'), []);
    assert.deepEqual(keptSecretsIn('pay/x.sops.yaml', encrypted('  name: ENC[AES256_GCM,data:n,iv:y,tag:z,type:str]')), []);
  });

  it('matches group, kind, name and namespace, a kept document without namespace being in the environment\'s', () => {
    const kept = keptSecretsIn('db.sops.yaml', encrypted('  name: db'));
    const secret = (name: string, namespace?: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, ...(namespace ? { namespace } : {}) } });
    assert.equal(keptSecretAt(kept, secret('db', 'pay-dev'), 'pay-dev', 'pay-dev')?.file, 'db.sops.yaml');
    assert.equal(keptSecretAt(kept, secret('db', 'other'), 'other', 'pay-dev'), undefined, 'another namespace');
    assert.equal(keptSecretAt(kept, secret('db2', 'pay-dev'), 'pay-dev', 'pay-dev'), undefined, 'another name');
    assert.equal(keptSecretAt(kept, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'db' } }, 'pay-dev', 'pay-dev'), undefined, 'another kind');
    assert.equal(keptSecretAt(kept, { apiVersion: 'example.com/v1', kind: 'Secret', metadata: { name: 'db' } }, 'pay-dev', 'pay-dev'), undefined, 'another group');
  });

  it('placeResources refuses a resource that is a kept document, at the template that rendered it', () => {
    const kept = keptSecretsIn('pay/db.sops.yaml', encrypted('  name: db'));
    const object = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'x' } };
    assert.throws(() => placeResources([resource(object)], 'pay-dev', undefined, kept), (error: unknown) => {
      assert.ok(error instanceof LadderInputError);
      assert.equal(error.location.file, 'deploy/chart/templates/secret.yaml');
      assert.equal(error.message, 'deploy/chart/templates/secret.yaml: Secret/db is also defined by pay/db.sops.yaml, a SOPS-encrypted file on the environment branch; the agent would apply both and one would overwrite the other, so leave it to the encrypted file or rename the resource');
      return true;
    });
    const placed = placeResources([resource({ ...object, metadata: { name: 'db-rendered' } })], 'pay-dev', undefined, kept);
    assert.deepEqual(placed.map((file) => file.path), ['secret-db-rendered.yaml']);
  });
});
