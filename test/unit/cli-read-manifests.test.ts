import assert from 'node:assert/strict';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listManifestFiles, readManifests, UnreadableInputError } from '../../src/adapters/fs/read-manifests.js';
import { fixture, repoRoot } from './cli-run.js';
import { cpuTimedAsync } from '../support/cpu-time.js';

/** The adapter behind `ladder validate` and `ladder diff`, in process, where time and memory can be measured. */
describe('readManifests', () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ladder-read-manifests-'));
  });
  after(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('refuses a 50 MB file from its size without reading it', async () => {
    const file = join(scratch, 'huge.yaml');
    const handle = await open(file, 'w');
    const chunk = Buffer.alloc(1024 * 1024, 'a: b\n');
    for (let i = 0; i < 50; i++) await handle.write(chunk);
    await handle.close();
    const buffersBefore = process.memoryUsage().arrayBuffers;
    const { value: result, ms: elapsed } = await cpuTimedAsync(() => readManifests([file]));
    assert.deepEqual(result.findings.map((f) => f.message), ['file is 50.0 MiB; Ladder reads at most 8.0 MiB per manifest file']);
    assert.equal(result.documents.length, 0);
    // Reading the file would cost 50 MiB of buffers; a stat costs nothing.
    assert.ok(process.memoryUsage().arrayBuffers - buffersBefore < 8 * 1024 * 1024, 'the file was read into memory');
    assert.ok(elapsed < 2000, `took ${elapsed} ms of CPU`);
  });

  it('rejects an alias bomb in milliseconds, not by expanding it', async () => {
    const { value: result, ms: elapsed } = await cpuTimedAsync(() => readManifests([join(repoRoot, fixture('bad', 'alias-bomb.yaml'))]));
    assert.equal(result.documents.length, 0);
    assert.match(result.findings[0]?.message ?? '', /Excessive alias count/);
    assert.ok(elapsed < 2000, `took ${elapsed} ms of CPU`);
  });

  it('walks directories in a stable order, skipping hidden entries and other file types', async () => {
    const dir = join(scratch, 'tree');
    for (const sub of ['b', 'a', '.git', 'a/deeper']) await mkdir(join(dir, sub), { recursive: true });
    const files = ['b/z.yaml', 'b/a.YML', 'a/deeper/x.json', 'a/notes.md', '.git/config.yaml', 'a/.hidden.yaml', 'top.yaml'];
    for (const file of files) await writeFile(join(dir, file), '');
    assert.deepEqual(await listManifestFiles(dir), ['a/deeper/x.json', 'b/a.YML', 'b/z.yaml', 'top.yaml'].map((f) => join(dir, f)));
  });

  it('reads many files at once but reports them in directory order, whatever order the reads finish in', async () => {
    const dir = join(scratch, 'many');
    await mkdir(dir);
    const names = Array.from({ length: 150 }, (_, i) => `cm-${String(i).padStart(3, '0')}.yaml`);
    // Sizes vary (a large file every seventh) so reads finish out of order.
    for (const [i, name] of names.entries()) {
      const padding = i % 7 === 0 ? `  padding: "${'x'.repeat(300_000)}"\n` : '';
      await writeFile(join(dir, name), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n${padding}  index: "${i}"\n`);
    }
    await writeFile(join(dir, 'cm-075.yaml'), 'a: [unclosed\n');
    const result = await readManifests([dir]);
    assert.deepEqual(result.files, names.map((name) => join(dir, name)));
    assert.deepEqual(result.documents.map((d) => d.object.data && (d.object.data as { index: string }).index), names.map((_, i) => String(i)).filter((i) => i !== '75'));
    assert.deepEqual(result.findings.map((f) => [f.file, f.line, f.rule]), [[join(dir, 'cm-075.yaml'), 2, 'yaml-syntax']]);
  });

  it('reports directories without manifests instead of failing on them', async () => {
    const result = await readManifests([join(repoRoot, fixture('empty-dir')), join(repoRoot, fixture('valid'))]);
    assert.deepEqual(result.emptyDirectories, [join(repoRoot, fixture('empty-dir'))]);
    assert.equal(result.documents.length, 2);
  });

  it('reads a file named explicitly whatever its extension, and standard input for -', async () => {
    const file = join(scratch, 'manifest.txt');
    await writeFile(file, 'apiVersion: v1\nkind: Namespace\nmetadata: { name: a }\n');
    const stdin = await readFile(join(repoRoot, fixture('valid', 'service.yml')));
    const result = await readManifests([file, '-'], { readStdin: async () => stdin });
    assert.deepEqual(result.files, [file, '<stdin>']);
    assert.deepEqual(result.documents.map((d) => `${d.file} ${String(d.object.kind)}`), [`${file} Namespace`, '<stdin> Service']);
  });

  it('throws UnreadableInputError naming the path for missing input', async () => {
    await assert.rejects(readManifests([join(scratch, 'missing.yaml')]), (error: unknown) => {
      assert.ok(error instanceof UnreadableInputError);
      assert.equal(error.message, `${join(scratch, 'missing.yaml')}: no such file or directory`);
      return true;
    });
  });
});
