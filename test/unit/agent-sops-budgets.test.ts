// The budgets of decrypting SOPS files in the agent (docs/secrets.md): a sops that hangs is killed
// at the time limit, plain text past the size limit is a failure rather than a truncated Secret,
// a commit with too many encrypted files is refused before any key is read, and sops runs with
// nothing of the agent's environment. The real sops where it can show the limit; a stand-in
// script for a sops that hangs or prints its environment.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeClient } from '../../src/adapters/kube/client.js';
import { decryptSopsFiles } from '../../src/agent/secrets/decrypt-files.js';
import { runSops } from '../../src/agent/secrets/run-sops.js';
import { generateAgeKey, sopsBinary, sopsEncrypt } from '../support/sops.js';

let dir: string;
before(async () => (dir = await mkdtemp(join(tmpdir(), 'ladder-sops-budgets-'))));
after(() => rm(dir, { recursive: true, force: true }));

async function script(name: string, body: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}

describe('decrypting SOPS files within budgets', () => {
  const key = generateAgeKey();

  it('kills a sops that does not finish in time', async () => {
    const hanging = await script('hanging-sops', 'exec sleep 30');
    const started = Date.now();
    const result = await runSops('sops: {}\n', { binary: hanging, ageKey: key.identity, format: 'yaml', timeoutMs: 300, maxOutputBytes: 1024 });
    assert.deepEqual(result, { ok: false, reason: 'sops did not finish within 300 ms' });
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });

  it('refuses plain text larger than the limit instead of cutting it (the real sops)', async () => {
    const big = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: big\nstringData:\n  blob: ${'x'.repeat(64 * 1024)}\n`;
    const encrypted = await sopsEncrypt(big, key.recipient);
    const within = await runSops(encrypted, { binary: sopsBinary(), ageKey: key.identity, format: 'yaml', timeoutMs: 20_000, maxOutputBytes: 1024 * 1024 });
    assert.equal(within.ok, true);
    const over = await runSops(encrypted, { binary: sopsBinary(), ageKey: key.identity, format: 'yaml', timeoutMs: 20_000, maxOutputBytes: 16 * 1024 });
    assert.deepEqual(over, { ok: false, reason: 'its plaintext is larger than 16384 bytes' });
  });

  it('gives sops the age identity and nothing else of the environment', async () => {
    process.env.LADDER_TEST_AGENT_SECRET = 'must-not-reach-sops';
    try {
      const printing = await script('printing-sops', 'env');
      const result = await runSops('x', { binary: printing, ageKey: key.identity, format: 'yaml', timeoutMs: 5000, maxOutputBytes: 65536 });
      assert.ok(result.ok);
      const names = result.plaintext.trim().split('\n').map((line) => line.split('=')[0]).filter((name) => name !== 'PWD').sort();
      assert.deepEqual(names, ['SOPS_AGE_KEY', 'SOPS_DISABLE_VERSION_CHECK']);
    } finally {
      delete process.env.LADDER_TEST_AGENT_SECRET;
    }
  });

  it('refuses a commit with more encrypted files than the limit before reading any key', async () => {
    const untouchable = { request: () => Promise.reject(new Error('no key may be read for a refused commit')) } as unknown as KubeClient;
    const files = Array.from({ length: 4 }, (_, i) => ({ path: `svc/s${i}.sops.yaml`, content: 'sops:\n  mac: x\n  age: [{ recipient: age1x }]\n' }));
    const settings = { binary: sopsBinary(), keySecret: { namespace: 'ladder-system', name: 'ladder-sops-age', key: 'keys.txt' }, timeoutMs: 5000, maxOutputBytes: 65536, maxFiles: 3 };
    const result = await decryptSopsFiles(untouchable, files, settings);
    assert.deepEqual(result, { ok: false, problems: [{ file: 'svc/s3.sops.yaml', message: 'is one of 4 SOPS-encrypted files in this commit; the agent decrypts at most 3 per commit (merge Secrets into fewer files)' }] });
  });
});
