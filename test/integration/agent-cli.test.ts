import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type KubeClient } from '../../src/adapters/kube/client.js';
import { startGitHubServer, type GitHubServer } from '../bed/github/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { applyDeployRbac } from '../support/agent/deploy-rbac.js';
import { inClusterEnvironment } from '../support/agent/in-cluster.js';
import { eventually } from '../support/agent/log.js';

const mainScript = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');
const repo = 'shop/cli-manifests';

let cluster: ControlPlane;
let github: GitHubServer;
let admin: KubeClient;
let dir: string;
useControlPlane(async (plane) => {
  ({ cluster, client: admin } = plane);
  github = await startGitHubServer();
  await github.createRepo(repo);
  await github.seed.commitFiles(repo, 'dev', { 'manifests/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-git\ndata:\n  a: "1"\n' }, { from: 'main' });
  dir = await mkdtemp(join(tmpdir(), 'ladder-agent-cli-'));
  await writeFile(join(dir, 'app.pem'), github.app.privateKey, { mode: 0o600 });
}, { beforeStop: async () => github?.stop() });

async function writeConfig(ns: string, agentNs: string, port: number): Promise<string> {
  const file = join(dir, `agent-${ns}.yaml`);
  await writeFile(
    file,
    `repository: ${repo}\nenvironment: dev\npath: manifests\nnamespaces: [${ns}]\nagentNamespace: ${agentNs}\n` +
      `github:\n  apiUrl: ${github.url}\n  appId: ${github.app.id}\n  installationId: ${github.installations.idFor(repo)}\n  privateKeyPath: ${join(dir, 'app.pem')}\n` +
      `intervals: { pollSeconds: 1 }\nleaderElection: { leaseDurationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 1 }\nserver: { host: 127.0.0.1, port: ${port} }\n`,
  );
  return file;
}

function runAgent(configFile: string, kubeEnv: Record<string, string> = { KUBECONFIG: cluster.kubeconfigPath }) {
  const child = spawn(process.execPath, ['--import', tsxLoader, mainScript, 'agent', '--config', configFile], {
    env: { ...process.env, KUBECONFIG: undefined, ...kubeEnv, LADDER_POD_NAME: 'cli-agent', LADDER_SLACK_WEBHOOK_URL: 'https://hooks.slack.example/services/T1/B1/NeverPrintThis' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => stdout + stderr };
}

describe('ladder agent as a process', () => {
  it('runs as in a pod (service account token, deploy/ RBAC), applies, and on SIGTERM exits 0 with the Lease released and no secret in its output', async () => {
    const ns = await cluster.newNamespace('shop-dev');
    const agentNs = await cluster.newNamespace('ladder-system');
    await applyDeployRbac(admin, agentNs, [ns]);
    const agent = runAgent(await writeConfig(ns, agentNs, 0), await inClusterEnvironment(cluster, agentNs, 'ladder-agent'));
    try {
      await eventually(async () => {
        try {
          await admin.request('GET', `/api/v1/namespaces/${ns}/configmaps/from-git`);
          return true;
        } catch {
          return false;
        }
      }, 'the ConfigMap from Git', 30_000, 200);
      const lease = `/apis/coordination.k8s.io/v1/namespaces/${agentNs}/leases/ladder-agent-dev`;
      assert.equal((await admin.request<{ spec: { holderIdentity: string } }>('GET', lease)).spec.holderIdentity, 'cli-agent');
      agent.child.kill('SIGTERM');
      assert.equal(await agent.exited, 0, agent.output());
      assert.equal((await admin.request<{ spec: { holderIdentity: string } }>('GET', lease)).spec.holderIdentity, '');
      const output = agent.output();
      assert.match(output, /"msg":"ladder agent started"/);
      assert.match(output, /"msg":"stopped"/);
      assert.ok(!output.includes('NeverPrintThis') && !output.includes('PRIVATE KEY'), 'a secret reached the output');
    } finally {
      agent.child.kill('SIGKILL');
    }
  });

  it('exits 1 when it cannot start (the metrics port is taken)', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = blocker.address() as AddressInfo;
      const agent = runAgent(await writeConfig('shop-x', 'ladder-x', port));
      assert.equal(await agent.exited, 1);
      assert.match(agent.output(), /ladder agent: could not start: .*EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });
});
