// The GitHub Actions workflows: linted by actionlint (built from its Go
// module, with shellcheck for their scripts), the release's promises checked,
// and the example build workflow's script run to show it pushes exactly the
// image reference Ladder renders.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { getBinDir } from '../bed/kube/binaries.js';
import { repoRoot, runLadder } from '../unit/cli-run.js';

const exec = promisify(execFile);
const workflowDirs = ['.github/workflows', 'docs/example/.github/workflows'];

function shellcheck(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v shellcheck'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('shellcheck is not installed; actionlint needs it to check the workflows\' scripts: bash test/bed/install-packages.sh shellcheck');
  }
}

async function actionlint(files: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(join(getBinDir(), 'actionlint'), [`-shellcheck=${shellcheck()}`, '-no-color', ...files], { cwd: repoRoot });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, output: (failed.stdout ?? '') + (failed.stderr ?? '') };
  }
}

async function workflowFiles(): Promise<string[]> {
  const files: string[] = [];
  for (const dir of workflowDirs) files.push(...(await readdir(join(repoRoot, dir))).filter((f) => /\.ya?ml$/.test(f)).map((f) => `${dir}/${f}`));
  return files.sort();
}

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
const workflow = async (file: string) => parse(await readFile(join(repoRoot, file), 'utf8')) as { on: Record<string, unknown>; jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }> };

describe('GitHub Actions workflows', () => {
  it('pass actionlint, with shellcheck on every script', async () => {
    const files = await workflowFiles();
    assert.deepEqual(files, ['.github/workflows/ci.yml', '.github/workflows/release.yml', 'docs/example/.github/workflows/build.yml']);
    assert.deepEqual(await actionlint(files), { code: 0, output: '' });
  });

  it('actionlint does find mistakes: an unknown job in needs, and an unquoted variable through shellcheck', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ladder-actionlint-'));
    const file = join(dir, 'broken.yml');
    await writeFile(file, 'on: push\njobs:\n  a:\n    needs: [missing]\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo $HOME/$1\n');
    const result = await actionlint([file]);
    assert.equal(result.code, 1);
    assert.match(result.output, /job "a" needs job "missing" which does not exist/);
    assert.match(result.output, /shellcheck reported issue in this script: SC2086/);
  });

  it('pin every action to a full commit, with the version it is in a comment', async () => {
    for (const file of await workflowFiles()) {
      for (const line of (await readFile(join(repoRoot, file), 'utf8')).split('\n').filter((l) => /^\s*-?\s*uses:/.test(l))) {
        assert.match(line, /uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, `${file}: ${line.trim()}`);
      }
    }
  });

  it('release: on a version tag, builds linux/amd64 and linux/arm64 with provenance and an SBOM, and attests the pushed digest', async () => {
    const release = await workflow('.github/workflows/release.yml');
    assert.deepEqual(release.on, { push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } });
    const job = release.jobs.image!;
    assert.deepEqual(job.permissions, { contents: 'read', packages: 'write', 'id-token': 'write', attestations: 'write' });
    const build = job.steps.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
    assert.deepEqual(
      { platforms: build.with!.platforms, push: build.with!.push, provenance: build.with!.provenance, sbom: build.with!.sbom, context: build.with!.context },
      { platforms: 'linux/amd64,linux/arm64', push: true, provenance: 'mode=max', sbom: true, context: '.' },
    );
    const attest = job.steps.find((s) => s.uses?.startsWith('actions/attest-build-provenance@'))!;
    assert.deepEqual(attest.with, { 'subject-name': '${{ steps.version.outputs.image }}', 'subject-digest': `\${{ steps.${build.id}.outputs.digest }}`, 'push-to-registry': true });
  });

  describe('example build workflow', () => {
    const sha = '3f786850e387550fdab836ed7e6dc881de23001b';

    /** Runs the step that works out the image reference, as a runner would (bash, mikefarah's yq on PATH). */
    async function imageStep(config: string): Promise<Record<string, string>> {
      const build = await workflow('docs/example/.github/workflows/build.yml');
      const script = build.jobs.image!.steps.find((s) => s.id === 'image')!.run!;
      const dir = await mkdtemp(join(tmpdir(), 'ladder-build-workflow-'));
      await mkdir(join(dir, '.github'));
      await writeFile(join(dir, '.github/ladder.yml'), config);
      const output = join(dir, 'github-output');
      await writeFile(output, '');
      await exec('bash', ['-e', '-c', script], { cwd: dir, env: { PATH: `${getBinDir()}:${process.env.PATH}`, GITHUB_SHA: sha, GITHUB_OUTPUT: output } });
      return Object.fromEntries((await readFile(output, 'utf8')).trim().split('\n').map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
    }

    /** The image `ladder render` writes into the Deployment for this config and commit. */
    async function renderedImage(config: string): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), 'ladder-build-render-'));
      await writeFile(join(dir, 'ladder.yml'), config);
      const result = await runLadder(['render', '--config', join(dir, 'ladder.yml'), '--env', 'dev', '--sha', sha, '--templates', fileURLToPath(new URL('../../templates/manifests', import.meta.url))]);
      assert.equal(result.code, 0, result.stderr);
      return /^\s+image: (\S+)$/m.exec(result.stdout)![1]!;
    }

    it('pushes exactly the reference Ladder renders: the full SHA by default, its prefix for short-sha', async () => {
      const example = await readFile(join(repoRoot, 'docs/example/.github/ladder.yml'), 'utf8');
      const shortSha = example.replace(/^image: .*$/m, 'image: ghcr.io/shop/checkout\nimageTag: { format: short-sha, length: 9 }');
      for (const config of [example, shortSha]) {
        const outputs = await imageStep(config);
        assert.equal(outputs.reference, await renderedImage(config));
      }
      assert.deepEqual(await imageStep(example), { reference: `registry.example.com/shop/checkout:${sha}`, registry: 'registry.example.com' });
      assert.equal((await imageStep(shortSha)).reference, 'ghcr.io/shop/checkout:3f786850e');
    });

    it('logs in to the registry the image names: a host, a host with a port, or Docker Hub', async () => {
      const registryOf = async (image: string) => (await imageStep(`service: s\nimage: ${image}\n`)).registry;
      assert.equal(await registryOf('registry.example.com/shop/checkout'), 'registry.example.com');
      assert.equal(await registryOf('localhost:5000/checkout'), 'localhost:5000');
      assert.equal(await registryOf('shop/checkout'), 'docker.io');
    });
  });
});
