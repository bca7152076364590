// Issue 15 (2a), the App's side: a SOPS-encrypted file on an environment branch (encrypted here
// with the real sops) is the team's, kept per environment. A promotion neither rewrites nor deletes
// it, its pull request body and check runs do not list it or any value, and `/ladder diff` does not
// count it as a resource the render removes. The App holds no key, so it could only ever leak
// ciphertext; this proves it leaks nothing and breaks nothing.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { checkRunsOf, configMapsTemplate, filesAt, mapsValue, mergePull, promotionConfig, pullsOf } from '../support/app-promotion.js';
import { commandHelpers } from '../support/command-comments.js';
import { userOctokit } from '../bed/github/index.js';
import { trailersComment } from '../../src/core/promotion/trailers.js';
import { generateAgeKey, sopsDecrypt, sopsEdit, sopsEncrypt } from '../support/sops.js';

const password = `pw-${randomBytes(12).toString('hex')}`;
const key = generateAgeKey();
const secret = `apiVersion: v1
kind: Secret
metadata:
  name: pay-db
type: Opaque
stringData:
  password: ${password}
`;

describe('App: SOPS-encrypted files on environment branches', () => {
  let h: AppHarness;
  let encrypted: string;
  const path = 'services/pay/pay-db.sops.yaml';
  before(async () => {
    h = await startAppHarness();
    encrypted = await sopsEncrypt(secret, key.recipient);
  });
  after(() => h.stop());

  it('a promotion keeps the file as it is, and its pull request and checks name neither it nor its values', async () => {
    const config = promotionConfig({ service: 'pay', templates: 'deploy/templates', path: 'services/pay', values: mapsValue(1) });
    const { codeRepo, manifestRepo } = await h.createService({ service: 'pay', config, templates: { 'maps.yaml.hbs': configMapsTemplate } });
    await h.github.seed.commitFiles(manifestRepo, 'dev', { [path]: encrypted }, { silent: true, message: 'pay: database credentials for dev' });
    const merged = await h.mergePullRequest(codeRepo, { files: { 'x.txt': '1\n' } });
    await h.settled();

    const pull = (await pullsOf(h, manifestRepo))[0]!;
    const files = filesAt(h, manifestRepo, pull.head.sha);
    assert.ok(files.has('services/pay/configmap-map-000.yaml'), 'the render is there');
    assert.equal(files.get(path), encrypted, 'the encrypted file is kept byte for byte');
    const body = pull.body ?? '';
    assert.doesNotMatch(body, /pay-db/, 'the body does not list the encrypted Secret (not removed, not changed)');
    const checks = [...(await checkRunsOf(h, manifestRepo, pull.head.sha)), ...(await checkRunsOf(h, codeRepo, merged.mergeSha))];
    assert.ok(checks.length >= 2);
    assert.equal(checks.find((c) => c.name === 'ladder/validate')?.conclusion, 'success');
    for (const text of [body, ...checks.map((c) => JSON.stringify(c.output))]) {
      assert.ok(!text.includes(password) && !text.includes(Buffer.from(password).toString('base64')), 'no value');
    }

    await mergePull(h, manifestRepo, pull.number);
    await h.settled();
    assert.equal(filesAt(h, manifestRepo, 'dev').get(path), encrypted, 'still there after the merge');
    // And it still decrypts with the environment's key: nothing touched its MAC.
    assert.match(await sopsDecrypt(filesAt(h, manifestRepo, 'dev').get(path)!, key.identity), new RegExp(`password: ${password}`));
  });

  it('/ladder diff on a code pull request does not count it as removed by the render', async () => {
    const helpers = commandHelpers(h);
    const pull = await helpers.openPull('shop/pay', { files: { 'y.txt': '2\n' } });
    await helpers.comment('shop/pay', pull, 'dev', '/ladder diff');
    const [reply] = await helpers.replies('shop/pay', pull);
    assert.ok(reply, 'a reply');
    assert.doesNotMatch(reply, /pay-db/, reply);
    assert.match(reply, /No differences\./, reply);
  });

  it('/ladder diff on a promotion PR says which keys of an encrypted file changed, never a value or ciphertext', async () => {
    const helpers = commandHelpers(h);
    const manifestRepo = 'shop/pay-manifests';
    const newPassword = `np-${randomBytes(12).toString('hex')}`;
    const token = `tok-${randomBytes(12).toString('hex')}`;
    // A person changes the password and adds a token on the promotion branch, and rotates another file's data key.
    let edited = await sopsEdit(encrypted, key.identity, ['set', '["stringData"]["password"]', JSON.stringify(newPassword)]);
    edited = await sopsEdit(edited, key.identity, ['set', '["stringData"]["token"]', JSON.stringify(token)]);
    const cache = await sopsEncrypt(secret.replace('pay-db', 'pay-cache'), key.recipient);
    await h.github.seed.commitFiles(manifestRepo, 'dev', { 'services/pay/pay-cache.sops.yaml': cache }, { silent: true, message: 'pay: cache credentials' });
    const rotated = await sopsEdit(cache, key.identity, ['rotate']);
    await h.github.seed.commitFiles(manifestRepo, 'ladder/pay/dev', { [path]: edited, 'services/pay/pay-cache.sops.yaml': rotated }, { from: 'dev', silent: true, message: 'pay: new password, a token, a rotated cache key' });
    const trailers = { service: 'pay', environment: 'dev', sourceRepo: 'shop/pay', sourceSha: 'a'.repeat(40), image: `registry.example.com/shop/pay:${'a'.repeat(40)}` };
    const { data: pr } = await userOctokit(h.github, 'dev').rest.pulls.create({
      owner: 'shop', repo: 'pay-manifests', head: 'ladder/pay/dev', base: 'dev', title: 'Promote pay to dev', body: `Promotion\n\n${trailersComment(trailers)}`,
    });
    await helpers.comment(manifestRepo, pr.number, 'dev', '/ladder diff');
    const [reply] = await helpers.replies(manifestRepo, pr.number);
    assert.ok(reply, 'a reply');
    assert.match(reply, /~ Secret pay-db \(SOPS\): keys added: token; changed: password  \(pay-db\.sops\.yaml\)$/m, reply);
    assert.match(reply, /~ Secret pay-cache \(SOPS\): re-encrypted: every value has new ciphertext \(password\), so which of them changed cannot be told  \(pay-cache\.sops\.yaml\)$/m, reply);
    assert.match(reply, /0 added, 0 removed, 2 changed\./, reply);
    for (const value of [password, newPassword, token]) {
      assert.ok(!reply.includes(value) && !reply.includes(Buffer.from(value).toString('base64')), 'no value');
    }
    assert.doesNotMatch(reply, /ENC\[|AES256_GCM|BEGIN AGE|lastmodified|\bmac\b/, reply);
  });
});
