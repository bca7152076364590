import assert from 'node:assert/strict';
import { chmod, chown, copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKubeClient, type KubeClient } from '../../src/adapters/kube/client.js';
import { startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import { currentImage, startContainer, type RunningContainer } from '../bed/image/run.js';
import { startControlPlane, type ControlPlane } from '../bed/kube/control-plane.js';
import { reserveLoopbackPorts } from '../bed/kube/ports.js';
import { applyDeployRbac } from '../support/agent/deploy-rbac.js';
import { inClusterEnvironment } from '../support/agent/in-cluster.js';
import { eventually } from '../support/agent/log.js';
import { markRolledOutWhenApplied } from '../support/agent/rollout.js';

// Issue 13, "Done when": the image CI built runs the agent, which applies a
// commit from the GitHub test bed to the test bed's API server, as a pod
// would: its service account token and CA at the standard path, deploy/'s
// RBAC, the config and the App's key mounted read-only.

const repo = 'shop/boxed-manifests';
const [owner, name] = repo.split('/') as [string, string];
const manifests = {
  'manifests/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: boxed\n',
  'manifests/web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/web:1.0.0
`,
};

let image: string;
let cluster: ControlPlane;
let github: GitHubServer;
let admin: KubeClient;
let agent: RunningContainer | undefined;
let stopRollouts: (() => void) | undefined;
before(async () => {
  image = await currentImage();
  [cluster, github] = await Promise.all([startControlPlane(), startGitHubServer()]);
  admin = createKubeClient(cluster.kubeConfig);
});
after(async () => {
  stopRollouts?.();
  await agent?.remove();
  admin?.close();
  await Promise.all([cluster?.stop(), github?.stop()]);
});

/** Files as the kubelet mounts them for a pod with fsGroup 1000: group 1000, group-readable, in a fresh directory. */
async function mountable(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ladder-image-agent-'));
  await chmod(dir, 0o755);
  for (const [file, content] of Object.entries(files)) {
    await writeFile(join(dir, file), content);
    await chown(join(dir, file), 0, 1000);
    await chmod(join(dir, file), 0o440);
  }
  return dir;
}

describe('ladder agent in the image', () => {
  it('applies a merged commit from the GitHub test bed with its service account, reports the deployment, and exits 0 on SIGTERM with the Lease released', async () => {
    const ns = await cluster.newNamespace('shop-dev');
    const agentNs = await cluster.newNamespace('ladder-system');
    await applyDeployRbac(admin, agentNs, [ns]);
    const pod = await inClusterEnvironment(cluster, agentNs, 'ladder-agent');
    const serviceAccount = await mountable({});
    for (const file of ['token', 'ca.crt']) {
      await copyFile(join(pod.LADDER_SERVICE_ACCOUNT_DIR!, file), join(serviceAccount, file));
      await chown(join(serviceAccount, file), 0, 1000);
      await chmod(join(serviceAccount, file), 0o440);
    }
    await github.createRepo(repo);
    await github.seed.commitFiles(repo, 'dev', { 'README.md': '# dev\n' }, { from: 'main' });
    const [port] = (await reserveLoopbackPorts(1)) as [number];
    const config = await mountable({
      'agent.yaml': [
        `repository: ${repo}`,
        'environment: dev',
        'path: manifests',
        `namespaces: [${ns}]`,
        `github: { apiUrl: '${github.url}', appId: ${github.app.id}, installationId: ${github.installations.idFor(repo)}, privateKeyPath: /var/run/secrets/ladder/github/private-key.pem }`,
        'intervals: { pollSeconds: 1, healthTimeoutSeconds: 60 }',
        'leaderElection: { leaseDurationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 1 }',
        `server: { host: 127.0.0.1, port: ${port} }`,
        '',
      ].join('\n'),
    });
    const key = await mountable({ 'private-key.pem': github.app.privateKey });

    agent = startContainer(image, {
      args: ['agent', '--config', '/etc/ladder/agent.yaml'],
      env: { KUBERNETES_SERVICE_HOST: pod.KUBERNETES_SERVICE_HOST!, KUBERNETES_SERVICE_PORT: pod.KUBERNETES_SERVICE_PORT!, LADDER_POD_NAME: 'agent-in-image', LADDER_AGENT_NAMESPACE: agentNs },
      mounts: [
        { source: serviceAccount, target: '/var/run/secrets/kubernetes.io/serviceaccount' },
        { source: config, target: '/etc/ladder' },
        { source: key, target: '/var/run/secrets/ladder/github' },
      ],
    });
    const running = agent;
    const ready = () => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    await eventually(ready, 'the agent in the container to be ready', 60_000, 200).catch((error: Error) => {
      throw new Error(`${error.message}\n${running.output()}`);
    });

    // A release manager merges the manifests into dev.
    stopRollouts = markRolledOutWhenApplied(admin, ns, 'web');
    await github.seed.commitFiles(repo, 'release-1', manifests, { from: 'dev', silent: true });
    const person = userOctokit(github, 'release-manager');
    github.setPermission(repo, 'release-manager', 'write');
    const pull = await person.rest.pulls.create({ owner, repo: name, head: 'release-1', base: 'dev', title: 'Release 1' });
    const sha = (await person.rest.pulls.merge({ owner, repo: name, pull_number: pull.data.number })).data.sha;

    const states = await eventually(
      async () => {
        const { data: deployments } = await person.rest.repos.listDeployments({ owner, repo: name, sha, environment: 'dev' });
        if (deployments.length !== 1) return undefined;
        const { data: statuses } = await person.rest.repos.listDeploymentStatuses({ owner, repo: name, deployment_id: deployments[0]!.id });
        const list = statuses.map((s) => s.state).reverse();
        return list.includes('success') || list.includes('failure') ? list : undefined;
      },
      `a final deployment status for ${sha.slice(0, 7)}`,
      60_000,
      250,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${running.output()}`);
    });
    assert.deepEqual(states, ['in_progress', 'success'], running.output());
    const settings = await admin.request<{ data: Record<string, string>; metadata: { managedFields: Array<{ manager: string }> } }>('GET', `/api/v1/namespaces/${ns}/configmaps/settings`);
    assert.deepEqual(settings.data, { mode: 'boxed' });
    assert.ok(settings.metadata.managedFields.some((f) => f.manager === 'ladder'), 'applied with field manager ladder');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(metrics, new RegExp(`^ladder_last_applied_commit_info\\{commit="${sha}"\\} 1$`, 'm'));

    const lease = `/apis/coordination.k8s.io/v1/namespaces/${agentNs}/leases/ladder-agent-dev`;
    assert.equal((await admin.request<{ spec: { holderIdentity: string } }>('GET', lease)).spec.holderIdentity, 'agent-in-image');
    assert.equal(await running.stop(), 0, running.output());
    assert.equal((await admin.request<{ spec: { holderIdentity: string } }>('GET', lease)).spec.holderIdentity, '');
    assert.match(running.output(), /"msg":"stopped"/);
    assert.ok(!running.output().includes('PRIVATE KEY'), 'the key reached the logs');
  });
});
