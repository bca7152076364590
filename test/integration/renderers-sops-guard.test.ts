// Issue 15 follow-up: a resource rendered by the real helm or kustomize whose file would take the
// name of a SOPS-encrypted file (`*.sops.yaml`, the team's, which Ladder never writes) is refused
// as a Handlebars one is, naming the chart template or the overlay. The App's side, a resource that
// is one of the encrypted files' Secrets on the environment branch, is in app-sops-guard.test.ts.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ladderYml, scratchRepo, sha, toolEnv } from '../support/renderers/fixtures.js';
import { runLadder } from '../unit/cli-run.js';

const env = toolEnv();
const render = (repo: string) => runLadder(['render', '--config', join(repo, '.github/ladder.yml'), '--env', 'dev', '--sha', sha], { env, cwd: repo });
const secretNamed = (name: string) => `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: Opaque\nstringData:\n  password: from-the-render\n`;

describe('renderers: no resource takes a SOPS-encrypted file\'s name', { concurrency: 3 }, () => {
  const scratch: string[] = [];
  after(() => Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true }))));
  const repo = async (files: Record<string, string>) => {
    const dir = await scratchRepo(files);
    scratch.push(dir);
    return dir;
  };

  it('helm: a chart template rendering Secret db.sops (file secret-db.sops.yaml) is refused at that template', async () => {
    const dir = await repo({
      '.github/ladder.yml': ladderYml('render: helm\nhelm:\n  chart: chart'),
      'chart/Chart.yaml': 'apiVersion: v2\nname: guard\nversion: 0.1.0\n',
      'chart/templates/ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\ndata:\n  a: b\n',
      'chart/templates/secret.yaml': secretNamed('{{ .Values.name }}'),
      'chart/values.yaml': 'name: db.sops\n',
    });
    const result = await render(dir);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(result.stdout, '', 'nothing is written');
    assert.equal(result.stderr, 'ladder render: chart/templates/secret.yaml: Secret/db.sops would be written to secret-db.sops.yaml, a name kept for SOPS-encrypted files that Ladder never writes; rename the resource\n');
  });

  it('kustomize: an overlay resource Secret api.sops (file secret-api.sops.yaml) is refused, naming the overlay', async () => {
    const dir = await repo({
      '.github/ladder.yml': ladderYml('render: kustomize\nkustomize:\n  root: k'),
      'k/base/kustomization.yaml': 'resources:\n- secret.yaml\n',
      'k/base/secret.yaml': secretNamed('api'),
      // The overlay's nameSuffix gives the base's harmless name the encrypted files' ending.
      'k/overlays/dev/kustomization.yaml': 'resources:\n- ../../base\nnameSuffix: .sops\n',
    });
    const result = await render(dir);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'ladder render: k/overlays/dev: Secret/api.sops would be written to secret-api.sops.yaml, a name kept for SOPS-encrypted files that Ladder never writes; rename the resource\n');
  });

  it('the same chart with another name renders', async () => {
    const dir = await repo({
      '.github/ladder.yml': ladderYml('render: helm\nhelm:\n  chart: chart'),
      'chart/Chart.yaml': 'apiVersion: v2\nname: guard\nversion: 0.1.0\n',
      'chart/templates/secret.yaml': secretNamed('{{ .Values.name }}'),
      'chart/values.yaml': 'name: db-sops\n',
    });
    const result = await render(dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /kind: Secret\nmetadata:\n {2}name: db-sops\n/);
  });
});
