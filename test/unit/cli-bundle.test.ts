import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundleValidate } from '../../src/tools/bundle-cli.js';
import { fixture, repoRoot, runLadder, type CliResult } from './cli-run.js';

// The built CLI runs `ladder validate` from a bundle (src/tools/bundle-cli.ts), where the code of
// every directory shares one file: it must say what the modules say, file for file, whatever it
// reads beside its code (schemas, default templates, package.json) and on a worker thread too.
const sha = '0123456789abcdef0123456789abcdef01234567';
const config = relative(repoRoot, fixture('unused-values', '.github', 'ladder.yml'));
let out: string;
let scratch: string;

function runBundle(args: string[], env: Record<string, string> = {}): Promise<Pick<CliResult, 'code' | 'stdout' | 'stderr'>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(out, 'validate-main.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', LADDER_DEBUG: undefined, LADDER_CACHE_DIR: join(scratch, 'cache'), ...env },
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

describe('the bundled ladder validate', () => {
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ladder-bundle-'));
    // Inside the checkout, two levels below package.json, as dist/cli/ is: the bundle finds the package from there.
    out = join(repoRoot, 'bench/.out', `bundle-${process.pid}`, 'cli');
    await mkdir(out, { recursive: true });
    await bundleValidate(join(repoRoot, 'src/cli'), out, 'ts');
  });
  after(async () => {
    await rm(join(out, '..'), { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  const cases: { name: string; args: string[]; env?: Record<string, string> }[] = [
    { name: 'valid manifests with policy findings, text', args: ['validate', 'test/fixtures/manifests/valid'] },
    { name: 'invalid manifests, JSON', args: ['validate', '--format', 'json', 'test/fixtures/manifests/invalid'] },
    { name: 'two threads (a worker), SARIF', args: ['validate', '--format', 'sarif', 'test/fixtures/manifests'], env: { LADDER_THREADS: '2' } },
    { name: 'an older minor', args: ['validate', '--kubernetes-version', '1.34', '--format', 'json', 'test/fixtures/manifests/invalid'] },
    { name: 'with a config: its values and the default templates', args: ['validate', '--config', config, '--env', 'prd', '--sha', sha, 'test/fixtures/manifests/valid'] },
    { name: 'a usage error', args: ['validate', '--kubernetes-version', '1.2', 'x'] },
    { name: '--help', args: ['validate', '--help'] },
  ];
  for (const { name, args, env } of cases) {
    it(`answers as the modules do: ${name}`, async () => {
      const [bundled, modules] = await Promise.all([runBundle(args, env), runLadder(args, env ? { env } : {})]);
      assert.equal(bundled.stdout, modules.stdout);
      assert.equal(bundled.stderr, modules.stderr);
      assert.equal(bundled.code, modules.code);
      assert.ok(bundled.stdout.length + bundled.stderr.length > 0);
    });
  }
});
