// Issue 12: `ladder agent` checks its credentials before it starts. Missing or malformed ones, and
// ones the server refuses, end the process at once: exit 2 and one line on stderr. Only a server that
// cannot be reached is waited for, with back-off, /readyz saying why. Each case runs the real process.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { KubeClient } from '../../src/adapters/kube/client.js';
import { startGitHubServer, type GitHubServer } from '../bed/github/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { reserveLoopbackPorts } from '../bed/kube/ports.js';
import { applyDeployRbac } from '../support/agent/deploy-rbac.js';
import { inClusterEnvironment } from '../support/agent/in-cluster.js';
import { eventually } from '../support/agent/log.js';
import { parseJsonLines } from '../support/json-lines.js';
import { runLadder } from '../support/ladder-process.js';
import { startSwitchableProxy } from '../support/agent/switchable-proxy.js';
import { useControlPlane } from '../support/control-plane.js';

const repo = 'shop/start-manifests';
let cluster: ControlPlane;
let admin: KubeClient;
let github: GitHubServer;
let dir: string;
let home: string;

useControlPlane(async (plane) => {
  ({ cluster, client: admin } = plane);
  github = await startGitHubServer();
  await github.createRepo(repo);
  await github.seed.commitFiles(repo, 'dev', { 'manifests/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: started\ndata:\n  a: "1"\n' }, { from: 'main' });
  dir = await mkdtemp(join(tmpdir(), 'ladder-agent-start-'));
  home = join(dir, 'home'); // no .kube/config in it
  await mkdir(home);
  await writeFile(join(dir, 'app.pem'), github.app.privateKey, { mode: 0o600 });
  await writeFile(join(dir, 'not-a-key.pem'), 'NeverPrintThis: a file that is not a key\n', { mode: 0o600 });
  await writeFile(join(dir, 'other.pem'), generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }), { mode: 0o600 });
  await writeFile(join(dir, 'empty-token'), '\n', { mode: 0o600 });
  await writeFile(join(dir, 'kubeconfig-garbage'), 'clusters: [\n');
  await writeFile(join(dir, 'kubeconfig-no-context'), 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
}, { beforeStop: async () => github?.stop() });

interface Settings {
  github?: string;
  agentNamespace?: string;
  namespace?: string;
  port?: number;
}

async function writeConfig(name: string, settings: Settings = {}): Promise<string> {
  const credentials = settings.github ?? `appId: ${github.app.id}\n  installationId: ${github.installations.idFor(repo)}\n  privateKeyPath: ${join(dir, 'app.pem')}`;
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    `repository: ${repo}\nenvironment: dev\npath: manifests\nnamespaces: [${settings.namespace ?? 'shop-dev'}]\nagentNamespace: ${settings.agentNamespace ?? 'ladder-system'}\n` +
      `github:\n  apiUrl: ${github.url}\n  ${credentials}\n` +
      `intervals: { pollSeconds: 1 }\nleaderElection: { leaseDurationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 1 }\nserver: { host: 127.0.0.1, port: ${settings.port ?? 0} }\n`,
  );
  return file;
}

/** Runs `ladder agent` to its end and returns the exit code and what it wrote; it must end by itself (2 minutes is for a loaded machine: a start that retries never ends). */
async function refusal(configFile: string, env: Record<string, string>) {
  const agent = runLadder(['agent', '--config', configFile], { HOME: home, ...env });
  const code = await Promise.race([agent.exited, new Promise<'still running'>((resolve) => setTimeout(resolve, 120_000, 'still running').unref())]);
  agent.child.kill('SIGKILL');
  return { code, stderr: agent.stderr(), stdout: agent.stdout() };
}

function assertOneLine(result: { code: unknown; stderr: string; stdout: string }, line: RegExp): void {
  assert.equal(result.code, 2, `exit code; stderr: ${result.stderr}`);
  const lines = result.stderr.split('\n');
  assert.equal(lines.length, 2, `one line on stderr, got: ${result.stderr}`);
  assert.equal(lines[1], '');
  assert.match(lines[0]!, line);
  assert.ok(!(result.stdout + result.stderr).includes('NeverPrintThis') && !(result.stdout + result.stderr).includes('PRIVATE KEY'), 'a secret reached the output');
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('ladder agent refuses to start half-configured: exit 2, one line', () => {
  it('without Kubernetes credentials: not in a pod, no KUBECONFIG, no ~/.kube/config', async () => {
    assertOneLine(await refusal(await writeConfig('no-kube'), {}), /^ladder agent: no Kubernetes credentials: not in a pod \(KUBERNETES_SERVICE_HOST is not set\), KUBECONFIG is not set and ~\/\.kube\/config does not exist$/);
  });

  it('with KUBECONFIG naming a file that is missing, not a kubeconfig, or without a current context', async () => {
    const config = await writeConfig('bad-kubeconfig');
    assertOneLine(await refusal(config, { KUBECONFIG: join(dir, 'missing') }), /^ladder agent: no Kubernetes credentials: KUBECONFIG names \S+\/missing, which cannot be read \(ENOENT\)$/);
    assertOneLine(await refusal(config, { KUBECONFIG: join(dir, 'kubeconfig-garbage') }), /^ladder agent: \S+\/kubeconfig-garbage \(KUBECONFIG\): not a kubeconfig the agent can read: .+$/);
    assertOneLine(await refusal(config, { KUBECONFIG: join(dir, 'kubeconfig-no-context') }), /^ladder agent: \S+\/kubeconfig-no-context \(KUBECONFIG\): no current context with a cluster and its server address/);
  });

  it('in a pod whose service account token is not mounted', async () => {
    const config = await writeConfig('no-token');
    const result = await refusal(config, { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '6443', LADDER_SERVICE_ACCOUNT_DIR: join(dir, 'no-such-dir') });
    assertOneLine(result, /^ladder agent: no Kubernetes credentials: in a pod \(KUBERNETES_SERVICE_HOST is set\) but the service account's \S+\/no-such-dir\/token cannot be read \(ENOENT\); is automountServiceAccountToken off\?$/);
  });

  it('with a GitHub App key that is missing or not a PEM private key, or an empty token', async () => {
    const kube = { KUBECONFIG: cluster.kubeconfigPath };
    const app = (key: string) => `appId: ${github.app.id}\n  installationId: ${github.installations.idFor(repo)}\n  privateKeyPath: ${key}`;
    assertOneLine(await refusal(await writeConfig('key-missing', { github: app(join(dir, 'nope.pem')) }), kube), /^ladder agent: github\.privateKeyPath \S+\/nope\.pem: cannot read the GitHub App's private key \(ENOENT\)$/);
    assertOneLine(
      await refusal(await writeConfig('key-not-pem', { github: app(join(dir, 'not-a-key.pem')) }), kube),
      /^ladder agent: github\.privateKeyPath \S+\/not-a-key\.pem: not a PEM private key; use the \.pem file GitHub generates under the App's settings, Private keys$/,
    );
    assertOneLine(await refusal(await writeConfig('token-empty', { github: `tokenPath: ${join(dir, 'empty-token')}` }), kube), /^ladder agent: github\.tokenPath \S+\/empty-token: the GitHub token is empty$/);
  });

  it('when GitHub refuses the credentials: a key of another App, an installation it does not know', async () => {
    const kube = { KUBECONFIG: cluster.kubeconfigPath };
    const otherKey = await writeConfig('other-key', { github: `appId: ${github.app.id}\n  installationId: ${github.installations.idFor(repo)}\n  privateKeyPath: ${join(dir, 'other.pem')}` });
    assertOneLine(await refusal(otherKey, kube), new RegExp(`^ladder agent: GitHub refused the agent's credentials \\(HTTP 401\\): github\\.appId ${github.app.id} and the private key do not belong together$`));
    const noInstallation = await writeConfig('no-installation', { github: `appId: ${github.app.id}\n  installationId: 987654321\n  privateKeyPath: ${join(dir, 'app.pem')}` });
    assertOneLine(await refusal(noInstallation, kube), new RegExp(`^ladder agent: GitHub knows no installation 987654321 of App ${github.app.id} \\(HTTP 404\\): check github\\.installationId$`));
  });

  it('when the Kubernetes API server refuses the token', async () => {
    const pod = await inClusterEnvironment(cluster, await cluster.newNamespace('ladder-system'), 'ladder-agent');
    await writeFile(join(pod.LADDER_SERVICE_ACCOUNT_DIR!, 'token'), 'not-a-token-the-server-knows');
    const result = await refusal(await writeConfig('kube-401'), pod);
    assertOneLine(result, /^ladder agent: the Kubernetes API server at https:\/\/127\.0\.0\.1:\d+ refused the agent's credentials \(HTTP 401 Unauthorized\)$/);
  });
});

describe('ladder agent waits for a server it cannot reach', () => {
  it('retries with back-off, says why on /readyz and once in its log, and starts when the API server answers', async () => {
    const ns = await cluster.newNamespace('shop-dev');
    const agentNs = await cluster.newNamespace('ladder-system');
    await applyDeployRbac(admin, agentNs, [ns]);
    const pod = await inClusterEnvironment(cluster, agentNs, 'ladder-agent');
    const proxy = await startSwitchableProxy(`http://127.0.0.1:${pod.KUBERNETES_SERVICE_PORT}`);
    proxy.setDown(true);
    const [port] = (await reserveLoopbackPorts(1)) as [number];
    const agent = runLadder(['agent', '--config', await writeConfig('unreachable', { namespace: ns, agentNamespace: agentNs, port })], {
      ...pod,
      KUBERNETES_SERVICE_PORT: new URL(proxy.url).port,
      LADDER_POD_NAME: 'patient-agent',
    });
    try {
      const notReady = await eventually(
        async () => {
          const answer = await fetch(`http://127.0.0.1:${port}/readyz`).then(async (r) => ({ status: r.status, body: await r.text() }), () => undefined);
          return answer?.body.includes('cannot reach') ? answer : undefined;
        },
        '/readyz to say why the agent is not ready',
        30_000,
        100,
      );
      assert.equal(notReady.status, 503);
      assert.match(notReady.body, /^not ready: cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:\d+: .+\n$/);
      // Several attempts (1 s, then 2 s apart; the proxy counts them), one log line: the reason did not change.
      await eventually(() => proxy.refused() >= 3, 'a third attempt to reach the API server', 60_000, 50);
      assert.equal(agent.stdout().match(/waiting for Kubernetes and GitHub before starting/g)?.length, 1, agent.stdout());
      assert.doesNotMatch(agent.stdout(), /"stack"/, 'no stack traces while waiting');
      proxy.setDown(false);
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.status === 200, 'the agent to become ready', 60_000, 200);
      await eventually(() => admin.request('GET', `/api/v1/namespaces/${ns}/configmaps/started`).then(() => true, () => false), 'the commit applied', 30_000, 200);
      assert.match(agent.stdout(), /Kubernetes and GitHub accept the agent's credentials now/);
      agent.child.kill('SIGTERM');
      assert.equal(await agent.exited, 0, agent.stderr());
      // Its log (issue 12): one JSON object per line, each key once; the lines of the deploy name the environment and commit.
      const lines = parseJsonLines(agent.stdout());
      const deploy = lines.filter((line) => line.msg === 'applying manifest commit');
      assert.equal(deploy.length, 1, agent.stdout());
      assert.equal(deploy[0]!.environment, 'dev');
      assert.match(String(deploy[0]!.commit), /^[0-9a-f]{40}$/);
    } finally {
      agent.child.kill('SIGKILL');
      await proxy.stop();
    }
  });

  it('ends cleanly on SIGTERM while it waits', async () => {
    const agent = runLadder(['agent', '--config', await writeConfig('sigterm-waiting')], { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: '1', ...(await serviceAccountFiles()) });
    await eventually(() => agent.stdout().includes('waiting for Kubernetes and GitHub before starting'), 'the agent to wait', 30_000, 100);
    agent.child.kill('SIGTERM');
    assert.equal(await agent.exited, 0, agent.stderr());
    assert.match(agent.stderr(), /^ladder agent: SIGTERM received, shutting down\n$/);
  });
});

/** A service account directory with a token and a CA that nothing will check (the server is never reached). */
async function serviceAccountFiles(): Promise<Record<string, string>> {
  const saDir = await mkdtemp(join(dir, 'sa-'));
  await writeFile(join(saDir, 'token'), 'token');
  await writeFile(join(saDir, 'ca.crt'), (await inClusterEnvironmentCa()) ?? '');
  return { LADDER_SERVICE_ACCOUNT_DIR: saDir };
}

async function inClusterEnvironmentCa(): Promise<string | undefined> {
  const data = cluster.kubeConfig.getCurrentCluster()?.caData;
  return data ? Buffer.from(data, 'base64').toString('utf8') : undefined;
}
