// Issue 15, follow-up: `ladder diff` on SOPS-encrypted files written and edited by the real sops.
// The diff says which keys were added, changed (new ciphertext) or removed, and that a rotated
// file was re-encrypted; it never prints a value, a ciphertext or SOPS's own metadata.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateAgeKey, sopsEdit, sopsEncrypt } from '../support/sops.js';
import { runLadder } from '../unit/cli-run.js';

const plain = { user: `user-${randomBytes(6).toString('hex')}`, password: `pw-${randomBytes(12).toString('hex')}`, token: `tok-${randomBytes(12).toString('hex')}`, newPassword: `np-${randomBytes(12).toString('hex')}`, apiKey: `ak-${randomBytes(12).toString('hex')}` };
const key = generateAgeKey();
const secret = (name: string) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: pay
type: Opaque
stringData:
  user: ${plain.user}
  password: ${plain.password}
  token: ${plain.token}
`;
const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: pay\n  namespace: pay\ndata:\n  MODE: fast\n';

describe('ladder diff: SOPS-encrypted files', () => {
  let scratch: string;
  let beforeDir: string;
  let afterDir: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ladder-diff-sops-'));
    [beforeDir, afterDir] = [join(scratch, 'before'), join(scratch, 'after')];
    await mkdir(beforeDir);
    await mkdir(afterDir);
    const db = await sopsEncrypt(secret('db'), key.recipient);
    const cache = await sopsEncrypt(secret('cache'), key.recipient);
    const gone = await sopsEncrypt(secret('gone'), key.recipient);
    // db: a person changes one value, adds one and removes one; the untouched value keeps its ciphertext.
    let edited = await sopsEdit(db, key.identity, ['set', '["stringData"]["password"]', JSON.stringify(plain.newPassword)]);
    edited = await sopsEdit(edited, key.identity, ['set', '["stringData"]["apiKey"]', JSON.stringify(plain.apiKey)]);
    edited = await sopsEdit(edited, key.identity, ['unset', '["stringData"]["token"]']);
    // cache: rotated, so every value has new ciphertext though none changed.
    const rotated = await sopsEdit(cache, key.identity, ['rotate']);
    await Promise.all([
      writeFile(join(beforeDir, 'db.sops.yaml'), db),
      writeFile(join(beforeDir, 'cache.sops.yaml'), cache),
      writeFile(join(beforeDir, 'gone.sops.yaml'), gone),
      writeFile(join(beforeDir, 'configmap.yaml'), configMap),
      writeFile(join(afterDir, 'db.sops.yaml'), edited),
      writeFile(join(afterDir, 'cache.sops.yaml'), rotated),
      writeFile(join(afterDir, 'new.sops.yaml'), await sopsEncrypt(secret('new'), key.recipient)),
      writeFile(join(afterDir, 'configmap.yaml'), configMap.replace('fast', 'slow')),
    ]);
  });
  after(() => rm(scratch, { recursive: true, force: true }));

  function assertNoSecrets(output: string): void {
    for (const value of Object.values(plain)) {
      assert.ok(!output.includes(value), `plain text ${value} in:\n${output}`);
      assert.ok(!output.includes(Buffer.from(value).toString('base64')), 'base64 of a value');
    }
    assert.doesNotMatch(output, /ENC\[|AES256_GCM|BEGIN AGE|lastmodified|\bmac\b/, output);
  }

  it('text: keys added, changed and removed; a rotated file re-encrypted; no value, ciphertext or SOPS metadata', async () => {
    const result = await runLadder(['diff', beforeDir, afterDir]);
    assert.equal(result.code, 1, result.stderr);
    const lines = result.stdout.split('\n');
    assert.ok(lines.includes(`~ Secret pay/db (SOPS): keys added: apiKey; changed: password; removed: token  (${afterDir}/db.sops.yaml)`), result.stdout);
    assert.ok(lines.includes(`~ Secret pay/cache (SOPS): re-encrypted: every value has new ciphertext (password, token, user), so which of them changed cannot be told  (${afterDir}/cache.sops.yaml)`), result.stdout);
    assert.ok(lines.includes(`+ Secret pay/new (SOPS): keys: password, token, user  (${afterDir}/new.sops.yaml)`), result.stdout);
    assert.ok(lines.includes(`- Secret pay/gone (SOPS)  (${beforeDir}/gone.sops.yaml)`), result.stdout);
    assert.ok(lines.includes('    data.MODE: "fast" → "slow"'), 'ordinary resources are diffed as before');
    assert.equal(lines.at(-2), '1 added, 1 removed, 3 changed.');
    assertNoSecrets(result.stdout + result.stderr);
  });

  it('json: the same under `sops`, without values', async () => {
    const result = await runLadder(['diff', '--format', 'json', beforeDir, afterDir]);
    assert.equal(result.code, 1, result.stderr);
    const body = JSON.parse(result.stdout) as { sops: Array<{ label: string; change: string; keysChanged: string[]; keysReencrypted: string[] }>; changed: Array<{ kind: string }> };
    assert.deepEqual(body.sops.map((c) => `${c.change} ${c.label}`), ['changed Secret pay/cache', 'changed Secret pay/db', 'removed Secret pay/gone', 'added Secret pay/new']);
    assert.deepEqual(body.sops[1]!.keysChanged, ['password']);
    assert.deepEqual(body.changed.map((c) => c.kind), ['ConfigMap'], 'encrypted Secrets are not diffed as plain resources');
    assertNoSecrets(result.stdout);
  });

  it('an unchanged encrypted file is no difference', async () => {
    const result = await runLadder(['diff', join(beforeDir, 'db.sops.yaml'), join(beforeDir, 'db.sops.yaml')]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.equal(result.stdout, 'No differences.\n');
  });
});
