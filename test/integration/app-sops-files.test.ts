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
import { generateAgeKey, sopsDecrypt, sopsEncrypt } from '../support/sops.js';

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
});
