// The diff of SOPS-encrypted documents (docs/secrets.md): key names and whether their ciphertext
// changed, never a value or ciphertext. The documents here are shaped as sops writes them; the
// real binary's output is compared in test/integration/diff-sops.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceDiff } from '../../src/core/diff/diff-resources.js';
import { diffSopsDocuments, formatSopsChange, isSopsObject } from '../../src/core/diff/sops-diff.js';
import { createPaint } from '../../src/core/format/color.js';
import { formatDiffText } from '../../src/core/format/diff-text.js';

const enc = (tag: string) => `ENC[AES256_GCM,data:${tag},iv:${tag}iv,tag:${tag}tag,type:str]`;
function secret(values: Record<string, string>, options: { name?: string; recipients?: string[]; labels?: Record<string, string>; mac?: string; dataKey?: string } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: options.name ?? 'db', namespace: 'shop', ...(options.labels ? { labels: options.labels } : {}) },
    stringData: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, enc(v)])),
    sops: { age: (options.recipients ?? ['age1one']).map((recipient) => ({ recipient, enc: `-----BEGIN AGE ENCRYPTED FILE-----\n${recipient}-${options.dataKey ?? 'k1'}\n` })), mac: enc(options.mac ?? 'mac'), lastmodified: '2026-01-01T00:00:00Z', version: '3.13.3' },
  };
}
const doc = (object: Record<string, unknown>, file = 'shop/db.sops.yaml') => ({ object, file });

describe('diffSopsDocuments', () => {
  it('tells keys added, changed and removed by their ciphertext', () => {
    const before = secret({ user: 'u1', password: 'p1', token: 't1' });
    const after = secret({ user: 'u1', password: 'p2', apiKey: 'k1' }, { mac: 'mac2' });
    const [change, ...rest] = diffSopsDocuments([doc(before)], [doc(after)]);
    assert.equal(rest.length, 0);
    assert.deepEqual({ added: change!.keysAdded, changed: change!.keysChanged, removed: change!.keysRemoved, reencrypted: change!.keysReencrypted }, { added: ['apiKey'], changed: ['password'], removed: ['token'], reencrypted: [] });
    assert.equal(formatSopsChange(change!), '~ Secret shop/db (SOPS): keys added: apiKey; changed: password; removed: token');
  });

  it('says re-encrypted, and claims no change, when every value has new ciphertext under a new data key', () => {
    const [change] = diffSopsDocuments([doc(secret({ user: 'u1', password: 'p1' }))], [doc(secret({ user: 'u2', password: 'p2' }, { mac: 'm2', dataKey: 'k2' }))]);
    assert.deepEqual(change!.keysChanged, []);
    assert.deepEqual(change!.keysReencrypted, ['password', 'user']);
    assert.equal(formatSopsChange(change!), '~ Secret shop/db (SOPS): re-encrypted: every value has new ciphertext (password, user), so which of them changed cannot be told');
  });

  it('every value with new ciphertext under the same data key (one wrapped key unchanged) is every value changed', () => {
    const [change] = diffSopsDocuments([doc(secret({ password: 'p1' }))], [doc(secret({ password: 'p2' }, { mac: 'm2' }))]);
    assert.deepEqual(change!.keysReencrypted, []);
    assert.equal(formatSopsChange(change!), '~ Secret shop/db (SOPS): keys changed: password');
  });

  it('lists added and removed documents with their key names, and leaves equal ones out', () => {
    const same = secret({ a: 'a1' }, { name: 'same' });
    const changes = diffSopsDocuments([doc(same, 'same.sops.yaml'), doc(secret({ x: 'x1' }, { name: 'old' }), 'old.sops.yaml')], [doc(structuredClone(same), 'same.sops.yaml'), doc(secret({ b: 'b1', a: 'a1' }, { name: 'new' }), 'new.sops.yaml')]);
    assert.deepEqual(changes.map(formatSopsChange), ['+ Secret shop/new (SOPS): keys: a, b', '- Secret shop/old (SOPS)']);
    assert.deepEqual(changes.map((c) => c.file), ['new.sops.yaml', 'old.sops.yaml']);
  });

  it('names recipients and clear-text field paths, never their values', () => {
    const before = secret({ a: 'a1', b: 'b1' }, { labels: { tier: 'db-secret-label-value' } });
    const after = secret({ a: 'a1', b: 'b1' }, { recipients: ['age1one', 'age1two'], labels: { tier: 'other-label-value' }, mac: 'm2' });
    const line = formatSopsChange(diffSopsDocuments([doc(before)], [doc(after)])[0]!);
    assert.equal(line, '~ Secret shop/db (SOPS): fields changed: metadata.labels.tier; age recipients added: age1two');
  });

  it('a document whose kind and name are encrypted is matched by file and place, and named by them', () => {
    const opaque = (v: string) => ({ apiVersion: enc('av'), kind: enc('k'), metadata: { name: enc(v) }, data: { k: enc(v) }, sops: { age: [{ recipient: 'age1one' }], mac: enc(v) } });
    const [change] = diffSopsDocuments([{ object: opaque('1'), file: 'a/x.sops.yaml', place: 'x.sops.yaml' }], [{ object: opaque('2'), file: 'b/x.sops.yaml', place: 'x.sops.yaml' }]);
    assert.equal(change!.change, 'changed');
    assert.match(formatSopsChange(change!), /^~ document 1 of x\.sops\.yaml \(SOPS\): re-encrypted: every value has new ciphertext \(k\)/);
    assert.doesNotMatch(formatSopsChange(change!), /ENC\[/);
  });

  it('only a document with a sops block and MAC is encrypted', () => {
    assert.equal(isSopsObject(secret({ a: 'a' })), true);
    assert.equal(isSopsObject({ kind: 'Secret', sops: { age: [] } }), false);
    assert.equal(isSopsObject({ kind: 'Secret', data: { sops: 'x' } }), false);
  });

  it('formatDiffText prints them beside the resources and counts them', () => {
    const diff: ResourceDiff = { added: [], removed: [], changed: [], sops: diffSopsDocuments([doc(secret({ a: 'a1', b: 'b1' }))], [doc(secret({ a: 'a2', b: 'b1' }))]) };
    const text = formatDiffText(diff, () => undefined, createPaint(false));
    assert.equal(text, '~ Secret shop/db (SOPS): keys changed: a  (shop/db.sops.yaml)\n\n0 added, 0 removed, 1 changed.\n');
    assert.doesNotMatch(text, /ENC\[|mac|lastmodified|a1|a2/);
  });
});
