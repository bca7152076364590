import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { maxTemplateBytes, readTemplates } from '../../src/adapters/fs/templates.js';
import { LadderInputError } from '../../src/core/errors.js';

const scratch = mkdtempSync(join(tmpdir(), 'ladder-templates-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function directory(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(scratch, 'case-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

async function readError(dir: string): Promise<LadderInputError> {
  try {
    await readTemplates(dir);
  } catch (error) {
    assert.ok(error instanceof LadderInputError, String(error));
    return error;
  }
  assert.fail('expected a LadderInputError');
}

describe('readTemplates', () => {
  it("reads Ladder's default templates when no directory is given", async () => {
    const templates = await readTemplates();
    assert.deepEqual(templates.map((t) => t.path), [
      'configmap.yaml.hbs',
      'deployment.yaml.hbs',
      'horizontalpodautoscaler.yaml.hbs',
      'ingress.yaml.hbs',
      'poddisruptionbudget.yaml.hbs',
      'service.yaml.hbs',
    ]);
    assert.ok(templates.every((t) => t.content.includes('kind: ')));
  });

  it('reads *.hbs recursively, sorted, with / paths, skipping hidden entries and other files', async () => {
    const dir = directory({
      'b.yaml.hbs': 'b',
      'a.yaml.hbs': 'a',
      'sub/c.yaml.hbs': 'c',
      'README.md': 'no',
      '.hidden.yaml.hbs': 'no',
      '.git/x.hbs': 'no',
    });
    symlinkSync(join(dir, 'a.yaml.hbs'), join(dir, 'link.yaml.hbs'));
    symlinkSync(dir, join(dir, 'loop'));
    const templates = await readTemplates(dir);
    assert.deepEqual(templates, [
      { path: 'a.yaml.hbs', content: 'a' },
      { path: 'b.yaml.hbs', content: 'b' },
      { path: 'link.yaml.hbs', content: 'a' },
      { path: 'sub/c.yaml.hbs', content: 'c' },
    ]);
  });

  it('refuses a template that is not UTF-8, naming the line and column', async () => {
    const dir = directory({ 'bad.yaml.hbs': Buffer.concat([Buffer.from('a: 1\nb: "x'), Buffer.from([0xff]), Buffer.from('"\n')]) });
    const error = await readError(dir);
    assert.deepEqual(error.location, { file: join(dir, 'bad.yaml.hbs'), line: 2, column: 6 });
    assert.match(error.message, /not valid UTF-8 \(invalid byte 0xff\)/);
  });

  it('refuses an oversized template before reading it', async () => {
    const dir = directory({ 'big.yaml.hbs': 'x'.repeat(maxTemplateBytes + 1) });
    assert.match((await readError(dir)).message, /Ladder reads at most 256 KiB per template/);
  });

  it('refuses a missing directory, a file and a directory without templates', async () => {
    assert.match((await readError(join(scratch, 'absent'))).message, /cannot read the templates directory: no such directory/);
    const dir = directory({ 'only.txt': 'x' });
    assert.match((await readError(join(dir, 'only.txt'))).message, /is not a directory of templates/);
    assert.match((await readError(dir)).message, /holds no templates \(files ending \.hbs\)/);
  });
});
