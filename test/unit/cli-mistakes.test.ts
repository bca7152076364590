import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyRuleIds } from '../../src/core/validate/policy/index.js';
import { repoRoot, runLadder } from './cli-run.js';

// test/fixtures/mistakes holds one file per mistake that design §4 names. Each
// file's first line says what `ladder validate` must report for it:
//   # expect: <rule> <line>:<column>[, <rule> <line>:<column>]...
const dir = 'test/fixtures/mistakes';
const sha = '3f786850e387550fdab836ed7e6dc881de23001b';

function expectations(): string[] {
  const expected: string[] = [];
  for (const name of readdirSync(join(repoRoot, dir)).sort()) {
    const firstLine = readFileSync(join(repoRoot, dir, name), 'utf8').split('\n')[0]!;
    const match = /^# expect: (.+)$/.exec(firstLine);
    assert.ok(match, `${name} must start with an '# expect:' line`);
    for (const item of match[1]!.split(', ')) expected.push(`${dir}/${name} ${item}`);
  }
  return expected;
}

test('ladder validate reports every design §4 mistake with its rule id and location, and nothing else', async () => {
  const result = await runLadder(['validate', dir, '--namespace', 'checkout-dev', '--sha', sha, '--format', 'json']);
  assert.equal(result.code, 1, result.stderr);
  const report = JSON.parse(result.stdout) as { findings: { file: string; rule: string; line: number; column: number }[] };
  const actual = report.findings.map((f) => `${f.file} ${f.rule} ${f.line}:${f.column}`).sort();
  assert.deepEqual(actual, expectations().sort());
});

test('the mistakes corpus covers every policy rule, the schema, the API server\'s own rules and YAML syntax', () => {
  const rules = new Set(expectations().map((line) => line.split(' ')[1]));
  for (const rule of [...policyRuleIds, 'schema', 'apiserver', 'yaml-syntax']) assert.ok(rules.has(rule), `no fixture in ${dir} exercises ${rule}`);
});
