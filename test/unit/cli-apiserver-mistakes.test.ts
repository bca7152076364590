// Issue 14, "Done when": each API-server mistake of the issue is refused by `ladder validate`
// offline, with a located message and a fix, and is accepted once fixed
// (test/integration/apiserver-differential.test.ts holds the same fixes against the real server).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiServerMistakeFixes } from '../support/mistake-fixes.js';
import { repoRoot, runLadder } from './cli-run.js';

const sha = '3f786850e387550fdab836ed7e6dc881de23001b';

interface JsonFinding { file: string; rule: string; severity: string; line: number; column: number; message: string; hint?: string }

test('ladder validate refuses each API-server mistake of issue 14 at its line, and accepts it fixed', async () => {
  // Two directories: the fixed objects keep their names, so one set would hold each identity twice.
  const dir = mkdtempSync(join(tmpdir(), 'ladder-apiserver-mistakes-'));
  const fixedDir = mkdtempSync(join(tmpdir(), 'ladder-apiserver-fixed-'));
  try {
    const expected = new Map<string, string>();
    for (const [name, fix] of Object.entries(apiServerMistakeFixes)) {
      const text = readFileSync(join(repoRoot, 'test/fixtures/mistakes', name), 'utf8');
      const fixed = fix(text);
      assert.notEqual(fixed, text, `the fix of ${name} changes the file`);
      writeFileSync(join(dir, name), text);
      writeFileSync(join(fixedDir, name), fixed);
      expected.set(name, /^# expect: apiserver (\d+:\d+)$/m.exec(text)![1]!);
    }
    const validate = (cwd: string) => runLadder(['validate', '.', '--namespace', 'checkout-dev', '--sha', sha, '--format', 'json'], { cwd });
    const [result, fixedResult] = [await validate(dir), await validate(fixedDir)];
    const fixedFindings = (JSON.parse(fixedResult.stdout) as { findings: JsonFinding[] }).findings;
    assert.deepEqual(fixedFindings.filter((f) => f.severity === 'error').map((f) => `${f.file}: ${f.message}`), [], 'fixed, each is accepted');
    assert.equal(fixedResult.code, 0, fixedResult.stderr);
    assert.equal(result.code, 1, result.stderr);
    const errors = (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings.filter((f) => f.severity === 'error');
    for (const [name, at] of expected) {
      const mine = errors.filter((f) => f.file === name);
      assert.deepEqual(mine.map((f) => `${f.rule} ${f.line}:${f.column}`), [`apiserver ${at}`], name);
      assert.match(mine[0]!.message, /^[a-zA-Z.[\]0-9]+: (Invalid value|Duplicate value|Required value|Unsupported value|Forbidden|duplicate entries for key)/, `${name}: in the API server's words`);
      assert.ok((mine[0]!.hint ?? '').length > 10, `${name}: says how to fix it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(fixedDir, { recursive: true, force: true });
  }
});
