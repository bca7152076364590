import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readManifestFiles, UnreadableInputError } from '../../src/adapters/fs/read-manifests.js';
import { defaultParseLimits } from '../../src/core/manifests/parse.js';

/**
 * Reading a large part of a set on a thread of its own (read-ahead.ts) must
 * give what reading on one thread gives: the same files, documents and
 * findings in the same order, and the same error at the same file.
 */
describe('reading files ahead on a thread of their own', () => {
  let dir: string;
  const names: string[] = [];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ladder-read-ahead-'));
    // More files than the reading thread leaves to this one (400), of every size up to two of its batches.
    for (let i = 0; i < 700; i++) {
      const file = join(dir, `cm-${String(i).padStart(4, '0')}.yaml`);
      const data = i % 97 === 0 ? 'x'.repeat(300 * 1024) : `v${i}`;
      await writeFile(file, `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm-${i} }\ndata: { key: "${data}" }\n${i % 50 === 0 ? 'bad: [\n' : ''}`);
      names.push(file);
    }
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const summary = (read: Awaited<ReturnType<typeof readManifestFiles>>) => ({
    files: read.files,
    documents: read.documents.map((doc) => `${doc.file}:${doc.start.line} ${JSON.stringify(doc.object).length} ${doc.positionOf(['data', 'key']).column}`),
    findings: read.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.message}`),
  });

  it('gives the same files, documents, positions and findings, in order', async () => {
    const limits = { ...defaultParseLimits, maxBytes: 200 * 1024 }; // the 300 KB files are over it
    const here = summary(await readManifestFiles(names, { limits, readAhead: false }));
    const ahead = summary(await readManifestFiles(names, { limits, readAhead: true }));
    assert.equal(here.documents.length, 700 - 8 - 13, 'the test reads what it means to: 8 too large, 13 more with bad YAML');
    assert.ok(here.findings.some((f) => /Ladder reads at most 200\.0 KiB/.test(f)));
    assert.deepEqual(ahead, here);
  });

  it('stops at the same file with the same error: missing, or not a regular file', async () => {
    const missing = [...names.slice(0, 500), join(dir, 'gone.yaml'), ...names.slice(500)];
    const fifo = join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const withFifo = [...names.slice(0, 600), fifo, ...names.slice(600)];
    for (const files of [missing, withFifo]) {
      const errors = await Promise.all([false, true].map((readAhead) => readManifestFiles(files, { readAhead }).then(() => undefined, (error: unknown) => error)));
      for (const error of errors) assert.ok(error instanceof UnreadableInputError, String(error));
      const [here, ahead] = errors as UnreadableInputError[];
      assert.equal(ahead!.message, here!.message);
      assert.deepEqual(ahead!.location, here!.location);
    }
  });
});
