// Issue 15, item 3 (security): a chart or kustomization that reaches outside its directory, fetches
// from anywhere, or runs plugins is refused; every run is bounded in time and output. Real helm and
// kustomize binaries; a loopback HTTP server stands in for "elsewhere" and counts what reaches it.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { rm, symlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readSourceTree } from '../../src/adapters/fs/source-tree.js';
import { createManifestTools } from '../../src/adapters/render-tools/tools.js';
import { defaultToolLimits } from '../../src/adapters/render-tools/run-tool.js';
import { LadderInputError } from '../../src/core/errors.js';
import { ladderYml, scratchRepo, sha, toolEnv } from '../support/renderers/fixtures.js';
import { runLadder } from '../unit/cli-run.js';

const env = toolEnv();
const chartYaml = 'apiVersion: v2\nname: probe\nversion: 0.1.0\n';
const helmConfig = ladderYml('render: helm\nhelm:\n  chart: chart');
const kustomizeConfig = ladderYml('render: kustomize\nkustomize:\n  root: k');
const render = (repo: string, environment = 'dev') => runLadder(['render', '--config', join(repo, '.github/ladder.yml'), '--env', environment, '--sha', sha], { env, cwd: repo });

describe('renderers refuse to reach outside the repository', { concurrency: 4 }, () => {
  let server: Server;
  let elsewhere: string;
  const requests: string[] = [];
  const scratch: string[] = [];
  const repo = async (files: Record<string, string>) => {
    const dir = await scratchRepo(files);
    scratch.push(dir);
    return dir;
  };

  before(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      response.end('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fetched\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    elsewhere = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.close();
    await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
    assert.deepEqual(requests, [], 'nothing was fetched from elsewhere');
  });

  it('a chart reading files outside its directory with .Files.Get gets nothing', async () => {
    const dir = await repo({
      '.github/ladder.yml': helmConfig,
      'chart/Chart.yaml': chartYaml,
      'secret.txt': 'outside-the-chart-3f7a',
      'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n  up: {{ .Files.Get "../secret.txt" | quote }}\n  abs: {{ .Files.Get "/etc/passwd" | quote }}\n  glob: {{ range $path, $_ := .Files.Glob "../**" }}{{ $path }}{{ end }}x\n',
    });
    const result = await render(dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\ndata:\n {2}abs: ""\n {2}glob: x\n {2}up: ""\n$/);
    assert.doesNotMatch(result.stdout, /outside-the-chart|root:x:0/);
  });

  it('a chart with a symbolic link to a file outside it is refused before Helm runs, naming the link', async () => {
    const dir = await repo({ '.github/ladder.yml': helmConfig, 'chart/Chart.yaml': chartYaml, 'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n  p: {{ .Files.Get "files/passwd" | quote }}\n' });
    await symlink('/etc/passwd', join(dir, 'chart/passwd-link'));
    const result = await render(dir);
    assert.equal(result.code, 1, result.stdout);
    assert.equal(result.stderr, 'ladder render: chart/passwd-link: is a symbolic link to something outside the directory; Ladder reads only files inside it\n');
    assert.doesNotMatch(result.stdout, /root:/);
  });

  it('a chart with a symbolic link to a directory outside it is refused', async () => {
    const dir = await repo({ '.github/ladder.yml': helmConfig, 'chart/Chart.yaml': chartYaml, 'outside/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\n' });
    await symlink(join(dir, 'outside'), join(dir, 'chart/templates'));
    const result = await render(dir);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /^ladder render: chart\/templates: is a symbolic link to something outside the directory/);
  });

  it('a chart whose dependency would be fetched from a repository is refused, and nothing is fetched', async () => {
    const dir = await repo({
      '.github/ladder.yml': helmConfig,
      'chart/Chart.yaml': `${chartYaml}dependencies:\n  - name: remote\n    version: 1.0.0\n    repository: ${elsewhere}/charts\n  - name: oci\n    version: 1.0.0\n    repository: oci://127.0.0.1:${(server.address() as AddressInfo).port}/charts\n`,
      'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\n',
    });
    const result = await render(dir);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /^ladder render: chart\/Chart\.yaml: helm template failed: .*missing in charts\/ directory: remote, oci$/m);
  });

  it('a kustomization with a remote resource is refused before kustomize runs, at its line', async () => {
    for (const remote of [`${elsewhere}/configmap.yaml`, 'github.com/kubernetes-sigs/kustomize/examples/multibases?ref=v3.3.1', 'git@github.com:shop/bases.git']) {
      const dir = await repo({ '.github/ladder.yml': kustomizeConfig, 'k/overlays/dev/kustomization.yaml': `resources:\n- ${remote}\n` });
      const result = await render(dir);
      assert.equal(result.code, 1, result.stdout);
      assert.equal(result.stderr, `ladder render: k/overlays/dev/kustomization.yaml:2 (resources[0]): ${JSON.stringify(remote)} is a remote reference; Ladder builds only from the repository (vendor the base into the tree)\n`);
    }
  });

  it('a kustomization reaching a base or a file outside its root is refused', async () => {
    const dir = await repo({
      '.github/ladder.yml': kustomizeConfig,
      'k/overlays/dev/kustomization.yaml': 'resources:\n- ../../base\ncomponents:\n- ../../../elsewhere\n',
      'k/base/kustomization.yaml': 'resources: []\n',
      'elsewhere/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n',
    });
    const result = await render(dir);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /^ladder render: k\/overlays\/dev\/kustomization\.yaml:4 \(components\[0\]\): "\.\.\/\.\.\/\.\.\/elsewhere" is not a file or directory inside k;/);

    // A patch or a generator's file outside the tree: kustomize's own LoadRestrictionsRootOnly refuses it.
    for (const [key, entry] of [['patches', '- path: '], ['configMapGenerator', '- name: x\n  files:\n  - ']] as const) {
      const leaking = await repo({
        '.github/ladder.yml': kustomizeConfig,
        'k/overlays/dev/kustomization.yaml': `resources:\n- cm.yaml\n${key}:\n${entry}../../../../../../../../../../../../etc/passwd\n`,
        'k/overlays/dev/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\n',
      });
      const refused = await render(leaking);
      assert.equal(refused.code, 1, refused.stdout);
      assert.match(refused.stderr, /^ladder render: k\/overlays\/dev: kustomize build failed: [^]*security; file '\/etc\/passwd' is not in or below 'k\/overlays\/dev'$/m);
      assert.doesNotMatch(refused.stdout + refused.stderr, /root:x:0/);
    }
  });

  it('kustomize runs no exec plugin and no Helm chart', async () => {
    const marker = join(await repo({}), 'plugin-ran');
    const dir = await repo({
      '.github/ladder.yml': kustomizeConfig,
      'k/overlays/dev/kustomization.yaml': 'generators:\n- gen.yaml\n',
      'k/overlays/dev/gen.yaml': `apiVersion: example.com/v1\nkind: Gen\nmetadata:\n  name: gen\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: /bin/sh\n        args: ["-c", "touch ${marker}"]\n`,
    });
    const result = await render(dir);
    assert.equal(result.code, 1, result.stdout);
    assert.match(result.stderr, /^ladder render: k\/overlays\/dev: kustomize build failed: .*(plugins? .*(not enabled|disabled)|enable-alpha-plugins|enable-exec)/m);
    await assert.rejects(import('node:fs/promises').then((fs) => fs.access(marker)), 'the exec plugin did not run');

    const helm = await repo({ '.github/ladder.yml': kustomizeConfig, 'k/overlays/dev/kustomization.yaml': `helmCharts:\n- name: x\n  repo: ${elsewhere}\n  version: 1.0.0\n` });
    const refused = await render(helm);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^ladder render: k\/overlays\/dev\/kustomization\.yaml:2 \(helmCharts\): helmCharts is not supported/);
  });
});

describe('renderer budgets', () => {
  const binaries = { helm: env['LADDER_HELM']!, kustomize: env['LADDER_KUSTOMIZE']! };
  const chart = (template: string) => ({ root: 'deploy/chart', files: [{ path: 'Chart.yaml', content: new TextEncoder().encode(chartYaml) }, { path: 'templates/t.yaml', content: new TextEncoder().encode(template) }] });
  const job = (template: string) => ({ chart: chart(template), releaseName: 'probe', namespace: 'shop-dev', values: {} });

  it('stops a render that writes more than its output budget', async () => {
    const tools = createManifestTools(binaries, { ...defaultToolLimits, maxOutputBytes: 64 * 1024 });
    const big = '{{ range $i, $_ := until 100000 }}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{{ $i }}\n{{ end }}';
    await assert.rejects(tools.helmTemplate(job(big)), (error: unknown) => error instanceof LadderInputError && /^deploy\/chart: rendered more than 0\.0625 MiB and was stopped/.test(error.message));
  });

  it('stops a render that takes longer than its time budget', async () => {
    const tools = createManifestTools(binaries, { ...defaultToolLimits, timeoutMs: 500 });
    // Nested loops that print nothing: Helm works for minutes, quietly.
    const slow = '{{ range $i := until 100000 }}{{ range $j := until 100000 }}{{ end }}{{ end }}';
    const started = Date.now();
    await assert.rejects(tools.helmTemplate(job(slow)), (error: unknown) => error instanceof LadderInputError && /^deploy\/chart: rendering took longer than 0\.5 s and was stopped/.test(error.message));
    assert.ok(Date.now() - started < 15_000, 'stopped, not waited out');
  });

  it('refuses a chart file over the per-file budget before anything runs', async () => {
    const dir = await scratchRepo({ 'chart/Chart.yaml': chartYaml });
    await writeFile(join(dir, 'chart/big.bin'), Buffer.alloc(1024 * 1024 + 1));
    await assert.rejects(readSourceTree(join(dir, 'chart'), 'chart'), /^LadderInputError: chart\/big\.bin: is 1025 KiB; Ladder reads at most 1024 KiB/);
    await rm(dir, { recursive: true, force: true });
  });
});
