import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, open, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixture, runLadder } from './cli-run.js';

/**
 * Bad input, end to end through the `ladder` process: each case must end
 * with the right exit code and a message that says where, never a crash.
 */
describe('ladder with bad input', { concurrency: 4 }, () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ladder-cli-bad-'));
    await chmod(scratch, 0o755); // readable by the unprivileged user of the permission test
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('reports malformed YAML with its location', async () => {
    const file = fixture('bad', 'malformed.yaml');
    const result = await runLadder(['validate', file]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, new RegExp(`^${file}:7:3  error  yaml-syntax  -  Flow sequence in block collection`, 'm'));
  });

  it('reports a duplicate key at the second occurrence', async () => {
    const file = fixture('bad', 'duplicate-keys.yaml');
    const result = await runLadder(['validate', file]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, new RegExp(`^${file}:7:3  error  yaml-syntax  -  Map keys must be unique$`, 'm'));
  });

  it('skips empty documents without complaint', async () => {
    const file = fixture('valid', 'checkout.yaml'); // a leading ---, a comment-only document and a trailing ---
    const result = await runLadder(['validate', '--format', 'json', file]);
    assert.equal(result.code, 0, result.stdout);
    assert.deepEqual(JSON.parse(result.stdout), { findings: [], resources: 1, suppressed: [] });
  });

  it('stops an alias bomb (billion laughs) with a finding instead of expanding it', async () => {
    const file = fixture('bad', 'alias-bomb.yaml');
    // Expanded, the document has 9^9 strings, which validation would walk for hours; runLadder's
    // kill timeout bounds the run. cli-read-manifests.test.ts times the guard without start-up noise.
    const result = await runLadder(['validate', file]);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`^${file}:2:1  error  yaml-syntax  -  document 1: Excessive alias count`, 'm'));
  });

  it('refuses a 50 MB file from its size, without parsing it', async () => {
    const file = join(scratch, 'huge.yaml');
    const handle = await open(file, 'w');
    const line = Buffer.from('- "padding padding padding padding padding padding padding padding"\n');
    const chunk = Buffer.concat(Array.from({ length: 16384 }, () => line));
    for (let left = 50 * 1024 * 1024; left > 0; left -= chunk.length) await handle.write(chunk.subarray(0, Math.min(left, chunk.length)));
    await handle.close();
    // With a 64 MiB heap, parsing 50 MB of YAML would crash the process: the refusal must come first.
    const result = await runLadder(['validate', file], { env: { NODE_OPTIONS: '--max-old-space-size=64' } });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`^${file}  error  input  -  file is 50\\.0 MiB; Ladder reads at most 8\\.0 MiB per manifest file$`, 'm'));
  });

  it('points at the first byte that is not UTF-8', async () => {
    const file = join(scratch, 'latin1.yaml');
    const text = Buffer.from('apiVersion: v1\nkind: ConfigMap\ndata:\n  city: M');
    await writeFile(file, Buffer.concat([text, Buffer.from([0xfc]), Buffer.from('nchen\n')])); // "München" in Latin-1
    const result = await runLadder(['validate', file]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, new RegExp(`^${file}:4:10  error  input  -  file is not valid UTF-8 \\(invalid byte 0xfc\\)$`, 'm'));
  });

  it('says so when a directory holds no manifests', async () => {
    const dir = fixture('empty-dir'); // holds only notes.txt and a hidden .keep
    const result = await runLadder(['validate', dir]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `ladder validate: ${dir}: no manifest files (*.yaml, *.yml, *.json) in this directory or below; nothing to validate\n`);
  });

  it('exits 2 for a file that does not exist', async () => {
    const result = await runLadder(['validate', fixture('valid'), 'missing.yaml']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'ladder validate: missing.yaml: no such file or directory\n');
  });

  it('exits 2 for a file it may not read', async () => {
    const file = join(scratch, 'secret.yaml');
    await writeFile(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n');
    await chmod(file, 0o000);
    const result = await runLadder(['validate', file], { withoutReadOverride: true });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.equal(result.stderr, `ladder validate: ${file}: permission denied\n`);
  });

  it('follows a symbolic link that points back up the tree only once', async () => {
    const dir = join(scratch, 'loop');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'sub', 'map.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cfg }\n');
    await symlink('..', join(dir, 'sub', 'up'));
    const result = await runLadder(['validate', '--format', 'json', dir]);
    assert.notEqual(result.code, null, 'the walk did not end');
    assert.equal((JSON.parse(result.stdout) as { resources: number }).resources, 1);
  });

  it('reports a resource defined twice', async () => {
    const file = join(scratch, 'twice.yaml');
    const map = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n';
    await writeFile(file, `${map}---\n${map}`);
    const result = await runLadder(['validate', '--format', 'json', file]);
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout) as { findings: { line: number; rule: string; message: string }[] };
    const duplicate = report.findings.find((f) => f.rule === 'duplicate-resource');
    assert.deepEqual(duplicate && { line: duplicate.line, message: duplicate.message }, { line: 9, message: `v1 ConfigMap cfg is already defined at ${file}:4` });
  });
});
