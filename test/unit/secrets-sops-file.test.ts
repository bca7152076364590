// SOPS files in the manifest repository (docs/secrets.md): recognised by name and by their
// metadata, described by clear text only, never owned or written by the App. The files here have
// the shape `sops encrypt --encrypted-regex '^(data|stringData)$'` writes; the agent tests
// (agent-sops.test.ts) encrypt real ones with the real sops.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeManifestChanges, gitBlobSha, isOwnedManifest } from '../../src/core/promotion/changes.js';
import { describeSopsDocument, isSopsFileName, readSopsFile, sopsFileProblem } from '../../src/core/secrets/sops-file.js';
import { explainSopsError } from '../../src/agent/secrets/run-sops.js';
import { placeResources } from '../../src/core/render/resources.js';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';

const encrypted = (sops: string) => `apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: shop-dev
type: Opaque
stringData:
  password: ENC[AES256_GCM,data:q83Rn5w=,iv:1tpg0Nm5Vt2T3mYz0qkVyV2a7tRkD3n1G9yYb5o7m8w=,tag:9Sx0cYbqS7o1yS0J8H3c9g==,type:str]
  user: ENC[AES256_GCM,data:dGVzdA==,iv:1tpg0Nm5Vt2T3mYz0qkVyV2a7tRkD3n1G9yYb5o7m8w=,tag:9Sx0cYbqS7o1yS0J8H3c9g==,type:str]
sops:
${sops}
  lastmodified: "2026-12-05T07:00:00Z"
  mac: ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]
  encrypted_regex: ^(data|stringData)$
  version: 3.13.3
`;
const age = `  age:
    - recipient: age1m3zyjeqvze6afp7dxal67x5ehwg88w3d567hv8uhj5qvkwr6hctsxvky37
      enc: |
        -----BEGIN AGE ENCRYPTED FILE-----
        YWdl
        -----END AGE ENCRYPTED FILE-----`;

describe('SOPS-encrypted manifests', () => {
  it('are named *.sops.yaml, *.sops.yml or *.sops.json', () => {
    for (const name of ['db.sops.yaml', 'svc/db.sops.yml', 'DB.SOPS.JSON']) assert.ok(isSopsFileName(name), name);
    for (const name of ['db.yaml', 'sops.yaml', 'db.sops.yaml.bak', 'secret-db-sops.yaml']) assert.ok(!isSopsFileName(name), name);
  });

  it('are read for their recipients and their clear-text outline: kind, name and key names, never values', () => {
    const summary = readSopsFile(encrypted(age), 'svc/db.sops.yaml');
    assert.deepEqual(summary?.metadata, { ageRecipients: ['age1m3zyjeqvze6afp7dxal67x5ehwg88w3d567hv8uhj5qvkwr6hctsxvky37'], otherKeyServices: [] });
    assert.deepEqual(summary?.documents, [{ line: 1, apiVersion: 'v1', kind: 'Secret', name: 'db', namespace: 'shop-dev', keys: ['password', 'user'] }]);
    assert.equal(describeSopsDocument(summary!.documents[0]!), 'Secret shop-dev/db (keys: password, user)');
  });

  it('say nothing of kind or name that SOPS encrypted (no encrypted_regex)', () => {
    const all = encrypted(age).replace('kind: Secret', 'kind: ENC[AES256_GCM,data:eA==,iv:eA==,tag:eA==,type:str]').replace('name: db', 'name: ENC[AES256_GCM,data:eQ==,iv:eQ==,tag:eQ==,type:str]');
    const doc = readSopsFile(all, 'db.sops.yaml')!.documents[0]!;
    assert.equal(describeSopsDocument(doc), 'document at line 1 (keys: password, user)');
  });

  it('an ordinary manifest is not one, and a file named as one without SOPS metadata is refused', () => {
    const plain = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n';
    assert.equal(readSopsFile(plain, 'db.yaml'), undefined);
    assert.equal(sopsFileProblem('db.yaml', plain), undefined);
    const problem = sopsFileProblem('db.sops.yaml', plain);
    assert.match(problem ?? '', /named as a SOPS-encrypted file but holds no SOPS metadata/);
    assert.doesNotMatch(problem ?? '', /hunter2/);
  });

  it('only age recipients are accepted: a file that names a KMS, Vault or PGP key is refused before sops runs', () => {
    assert.equal(sopsFileProblem('db.sops.yaml', encrypted(age)), undefined);
    const vault = `${age}\n  hc_vault:\n    - vault_address: http://attacker.example:8200\n      engine_path: transit\n      key_name: k\n      enc: x`;
    assert.match(sopsFileProblem('db.sops.yaml', encrypted(vault)) ?? '', /encrypted for hc_vault; the agent decrypts with age only/);
    const groups = `  key_groups:\n    - kms:\n        - arn: arn:aws:kms:eu-west-1:1:key/x\n          enc: x\n      age:\n        - recipient: age1xyz\n          enc: x`;
    assert.match(sopsFileProblem('db.sops.yaml', encrypted(groups)) ?? '', /encrypted for kms/);
    assert.match(sopsFileProblem('db.sops.yaml', encrypted('  age: []')) ?? '', /names no age recipient/);
  });

  it('are never owned by the App: a promotion neither deletes nor writes them', () => {
    assert.ok(!isOwnedManifest('svc', 'svc/db.sops.yaml'));
    assert.ok(isOwnedManifest('svc', 'svc/secret-db.yaml'));
    const existing = new Map([['svc/db.sops.yaml', gitBlobSha(encrypted(age))], ['svc/configmap-old.yaml', gitBlobSha('old\n')]]);
    const changes = computeManifestChanges([{ path: 'configmap-new.yaml', content: 'new\n' }], existing, 'svc');
    assert.deepEqual(changes.removed, ['svc/configmap-old.yaml']);
    assert.deepEqual(changes.added, ['svc/configmap-new.yaml']);
  });

  it('a rendered resource whose file name would look like one is refused at its template', () => {
    const resource = { template: 'templates/config.yaml.hbs', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app.sops' } } };
    assert.throws(() => placeResources([resource], 'shop-dev'), (error: Error) => {
      assert.match(error.message, /^templates\/config\.yaml\.hbs: ConfigMap\/app\.sops would be written to configmap-app\.sops\.yaml, a name kept for SOPS-encrypted files/);
      return true;
    });
  });
});

describe('`ladder validate` on a SOPS-encrypted Secret', () => {
  const validate = async (text: string) => {
    const validator = createSchemaValidator(await loadSchemaBundle());
    return validator.validate(parseManifests(text, 'db.sops.yaml').documents).map((f) => `${f.line}:${f.column} ${f.message}`);
  };
  const withData = encrypted(age).replace('type: Opaque\n', 'type: Opaque\ndata:\n  token: ENC[AES256_GCM,data:bm9wZQ==,iv:aXY=,tag:dGFn,type:str]\n');

  it('checks its shape without its metadata or its ciphertext', async () => {
    assert.deepEqual(await validate(withData), []);
  });

  it('still reports a mistake in it at its line', async () => {
    assert.deepEqual(await validate(withData.replace('stringData:', 'stringdata:')), ['10:3 stringdata: unknown field (did you mean stringData?)']);
  });
});

describe('sops errors, as the deployment status says them', () => {
  it('names a MAC mismatch and a key that does not fit, and never repeats an identity', () => {
    assert.match(explainSopsError('Failed to decrypt: MAC mismatch. File has 1A2B, computed 3C4D'), /MAC does not match its content/);
    assert.match(explainSopsError('Error getting data key: 0 successful groups required, got 0'), /none of the agent's age identities can decrypt it/);
    const other = explainSopsError('Error unmarshalling input yaml: AGE-SECRET-KEY-1QQQQQQQQQQ is bad\nmore');
    assert.equal(other, 'sops could not decrypt it: Error unmarshalling input yaml: AGE-SECRET-KEY-… is bad');
  });
});
