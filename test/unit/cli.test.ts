import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { repoRoot, runLadder } from './cli-run.js';

const version = (JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as { version: string }).version;

describe('ladder (general)', { concurrency: 4 }, () => {
  it('lists every command in --help and exits 0', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const result = await runLadder([flag]);
      assert.equal(result.code, 0, result.stderr);
      for (const command of ['render', 'validate', 'diff']) assert.match(result.stdout, new RegExp(`^  ${command} `, 'm'));
      assert.match(result.stdout, /Exit codes: 0 success/);
    }
  });

  it('prints the package version', async () => {
    const result = await runLadder(['--version']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `${version}\n`);
  });

  it('shows usage on stderr and exits 2 without a command', async () => {
    const result = await runLadder([]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /Usage:\n  ladder <command>/);
  });

  it('has --help for every command, listing its options', async () => {
    const expected: Record<string, string[]> = {
      render: ['--config', '--env', '--sha', '--out', '--templates', '--image-digest'],
      validate: ['--format', '--kubernetes-version', '--config', '--env', '--namespace', '--sha'],
      diff: ['--format'],
    };
    for (const [command, flags] of Object.entries(expected)) {
      for (const args of [[command, '--help'], [command, '-h'], ['help', command]]) {
        const result = await runLadder(args);
        assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stdout, new RegExp(`^  ladder ${command} `, 'm'));
        for (const flag of flags) assert.match(result.stdout, new RegExp(`  ${flag}\\b`), `${command} --help lacks ${flag}`);
        assert.match(result.stdout, /Exit status:/);
      }
    }
  });

  it('refuses an unknown command with a suggestion and a pointer to --help', async () => {
    const result = await runLadder(['valdiate', 'x.yaml']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, "ladder: unknown command 'valdiate' (did you mean 'validate'?)\nRun 'ladder --help' to see the commands.\n");
  });

  it('refuses an unknown flag, suggesting the one meant', async () => {
    const result = await runLadder(['diff', '--fromat', 'json', 'a', 'b']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, "ladder diff: unknown option --fromat (did you mean --format?)\nRun 'ladder diff --help' for usage.\n");
  });

  it('refuses an unknown global flag', async () => {
    const result = await runLadder(['--verbose']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^ladder: unknown option --verbose\nRun 'ladder --help'/);
  });

  it('says when a flag lacks its value', async () => {
    const result = await runLadder(['render', '--config']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^ladder render: option --config needs a value: --config <file>\n/);
  });

  it('never prints a stack trace unless LADDER_DEBUG=1', async () => {
    const plain = await runLadder(['diff', 'no/such/dir', 'other']);
    assert.equal(plain.code, 2);
    assert.equal(plain.stderr, 'ladder diff: no/such/dir: no such file or directory\n');
    const debug = await runLadder(['diff', 'no/such/dir', 'other'], { env: { LADDER_DEBUG: '1' } });
    assert.equal(debug.code, 2);
    assert.match(debug.stderr, /^ladder diff: no\/such\/dir: no such file or directory\n/);
    assert.match(debug.stderr, /\n {4}at .*read-manifests/);
    assert.match(debug.stderr, /Caused by: Error: ENOENT/);
  });
});
