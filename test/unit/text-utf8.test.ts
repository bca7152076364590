// One UTF-8 check for every reader of user files: manifests, templates (from disk or GitHub) and
// configs point at the same byte, the first byte of the first ill-formed sequence.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readTemplates } from '../../src/adapters/fs/templates.js';
import { LadderInputError } from '../../src/core/errors.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { decodeUtf8, decodeUtf8OrThrow, firstInvalidUtf8 } from '../../src/core/text/utf8.js';

describe('firstInvalidUtf8', () => {
  const cases: [string, number[], number][] = [
    ['valid ASCII and multi-byte text', [...Buffer.from('aé€😀')], 10],
    ['a stray continuation byte', [0x61, 0x80], 1],
    ['an overlong two-byte form', [0xc0, 0xaf], 0],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80], 0],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a truncated sequence', [0x61, 0xe2, 0x82], 1],
    ['a lead byte followed by ASCII', [0x61, 0xc3, 0x28], 1],
  ];
  for (const [name, bytes, offset] of cases) {
    it(name, () => {
      assert.equal(firstInvalidUtf8(Uint8Array.from(bytes)), offset);
    });
  }
});

describe('decodeUtf8', () => {
  it('returns the text of well-formed bytes', () => {
    assert.equal(decodeUtf8(Buffer.from('grüße\n')), 'grüße\n');
  });

  it('names the byte, line and column of the first bad sequence', () => {
    assert.deepEqual(decodeUtf8(Buffer.concat([Buffer.from('a: 1\nb: é'), Buffer.from([0xe2, 0x82])])), { offset: 10, byte: 0xe2, line: 2, column: 5 });
  });

  it('throws a LadderInputError located in the file', () => {
    assert.throws(
      () => decodeUtf8OrThrow(Buffer.from([0x61, 0x0a, 0xff]), 'values.yaml', 'config'),
      (error: unknown) => error instanceof LadderInputError && error.message === 'values.yaml:2:1: config is not valid UTF-8 (invalid byte 0xff)',
    );
  });
});

describe('manifests and templates report the same place', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'ladder-utf8-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const bytes = Buffer.concat([Buffer.from('kind: ConfigMap\ndata: { a: "x'), Buffer.from([0xc3, 0x28]), Buffer.from('" }\n')]);

  it('a lead byte followed by ASCII is reported at the lead byte by both readers', async () => {
    const finding = parseManifests(bytes, 'cm.yaml').findings[0]!;
    assert.deepEqual([finding.line, finding.column, finding.message], [2, 14, 'file is not valid UTF-8 (invalid byte 0xc3)']);
    writeFileSync(join(scratch, 'cm.yaml.hbs'), bytes);
    const error = await readTemplates(scratch).then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof LadderInputError, String(error));
    assert.deepEqual(error.location, { file: join(scratch, 'cm.yaml.hbs'), line: 2, column: 14 });
    assert.match(error.message, /template is not valid UTF-8 \(invalid byte 0xc3\)$/);
  });
});
