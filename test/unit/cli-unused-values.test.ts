import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fixture, repoRoot, runLadder } from './cli-run.js';

// Issue 14: a values key nothing reads (`memroy: 512Mi` under prd) is a warning, not silence.
const sha = '0123456789abcdef0123456789abcdef01234567';
const config = relative(repoRoot, fixture('unused-values', '.github', 'ladder.yml'));

describe('values nothing reads', () => {
  it('ladder render warns on standard error, with the key meant, for every environment at once', async () => {
    const result = await runLadder(['render', '--config', config, '--env', 'dev', '--sha', sha]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, [
      `warning: ${config}:16:5: values.default.colour: no template reads this key`,
      '  hint: Remove the key, or read it in a template (values.colour).',
      `warning: ${config}:18:5: values.prd.memroy: no template reads this key (did you mean memory?); prd gets values.default.memory ("256Mi") instead`,
      '  hint: Rename it to memory.',
      '',
    ].join('\n'));
  });

  it('ladder validate --config reports them as warnings located in the config', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'ladder-unused-values-'));
    try {
      const out = join(scratch, 'prd');
      assert.equal((await runLadder(['render', '--config', config, '--env', 'prd', '--sha', sha, '--out', out])).code, 0);
      const result = await runLadder(['validate', '--config', config, '--env', 'prd', '--sha', sha, '--format', 'json', out]);
      const findings = (JSON.parse(result.stdout) as { findings: { file: string; line: number; rule: string; severity: string; message: string }[] }).findings;
      assert.deepEqual(findings.filter((f) => f.rule === 'unused-value').map((f) => [f.file, f.line, f.severity]), [[config, 16, 'warning'], [config, 18, 'warning']]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
