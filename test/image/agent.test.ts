import assert from 'node:assert/strict';
import { chmod, chown, copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKubeClient, type KubeClient } from '../../src/adapters/kube/client.js';
import { stringify } from 'yaml';
import { installationOctokit, startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import { containerFromDeployment } from '../bed/image/pod.js';
import { currentImage, startContainer, type RunningContainer } from '../bed/image/run.js';
import { startControlPlane, type ControlPlane } from '../bed/kube/control-plane.js';
import { reserveLoopbackPorts } from '../bed/kube/ports.js';
import { inClusterEnvironment } from '../support/agent/in-cluster.js';
import { eventually } from '../support/agent/log.js';
import { markRolledOutWhenApplied } from '../support/agent/rollout.js';
import { applyAsAdmin, buildOverlay, isolate, only, parseObjects } from '../support/deploy/overlays.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { agentGrant, clusterCa, publishIssuerKeys, serviceAccountToken } from '../support/agent-identity.js';

// Issue 13, "Done when": the image CI built runs the agent, which applies a
// commit from the GitHub test bed to the test bed's API server, as a pod of
// deploy/overlays/agent would: the overlay applied (its RBAC, its config), the
// Deployment's args, variables, volumes, user and security context, and the
// service account's token and CA at their standard path. Its GitHub token
// comes from the Ladder App, for its projected identity token (issue #11).

const repo = 'shop/boxed-manifests';
const [owner, name] = repo.split('/') as [string, string];
const manifests = {
  'checkout/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: boxed\n',
  'checkout/web.yaml': `apiVersion: apps/v1
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
let harness: AppHarness;
let github: GitHubServer;
let admin: KubeClient;
let agent: RunningContainer | undefined;
let stopRollouts: (() => void) | undefined;
before(async () => {
  image = await currentImage();
  cluster = await startControlPlane();
  harness = await startAppHarness({ agentIssuers: { ca: clusterCa(cluster.kubeConfig) } });
  github = harness.github;
  admin = createKubeClient(cluster.kubeConfig);
  await publishIssuerKeys(cluster.kubeConfig);
});
after(async () => {
  stopRollouts?.();
  await agent?.remove();
  admin?.close();
  await Promise.all([cluster?.stop(), harness?.stop()]);
});

/** The service account's token and CA as the kubelet projects them: readable by the pod's fsGroup 1000. */
async function serviceAccountVolume(from: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ladder-image-sa-'));
  await chmod(dir, 0o755);
  for (const file of ['token', 'ca.crt']) {
    await copyFile(join(from, file), join(dir, file));
    await chown(join(dir, file), 0, 1000);
    await chmod(join(dir, file), 0o440);
  }
  return dir;
}

describe("ladder agent in the image, started from deploy/overlays/agent's Deployment", () => {
  it('applies a merged commit from the GitHub test bed with the RBAC the overlay ships, reports the deployment, and exits 0 on SIGTERM with the Lease released', async () => {
    // The overlay as an administrator applies it, moved to fresh namespace names.
    const installed = isolate(parseObjects(await buildOverlay('overlays/agent')));
    const agentNs = installed.namespace('ladder-system');
    const ns = installed.namespace('checkout-dev');
    await applyAsAdmin(admin, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }]);
    await applyAsAdmin(admin, installed.objects);
    const pod = await inClusterEnvironment(cluster, agentNs, 'ladder-agent');
    await github.createRepo(repo);
    await github.seed.commitFiles(repo, 'dev', { 'README.md': '# dev\n' }, { from: 'main' });
    const services = {
      services: { boxed: { repository: 'shop/boxed', path: 'manifests', environments: { dev: { from: { branches: ['main'] }, namespaces: ['shop-dev'] } } } },
      agents: { dev: await agentGrant(cluster.kubeConfig, cluster.server, agentNs, 'ladder-agent', ['dev']) },
    };
    await github.seed.commitFiles(repo, 'main', { '.ladder/services.yml': stringify(services) }, { message: 'Grant the agent', silent: true });
    const [port] = (await reserveLoopbackPorts(1)) as [number];

    const container = await containerFromDeployment(only(installed.objects, 'Deployment'), {
      secrets: {},
      serviceAccountTokens: { ladder: await serviceAccountToken(cluster.kubeConfig, agentNs, 'ladder-agent') },
      configMaps: installed.objects.filter((o) => o.kind === 'ConfigMap'),
      fields: { 'metadata.name': 'agent-in-image', 'metadata.namespace': agentNs },
      // The kubelet's service account volume and variables; agent.yaml's values for the test bed, as variables override them.
      extraMounts: [{ source: await serviceAccountVolume(pod.LADDER_SERVICE_ACCOUNT_DIR!), target: '/var/run/secrets/kubernetes.io/serviceaccount' }],
      override: {
        KUBERNETES_SERVICE_HOST: pod.KUBERNETES_SERVICE_HOST!,
        KUBERNETES_SERVICE_PORT: pod.KUBERNETES_SERVICE_PORT!,
        LADDER_REPOSITORY: repo,
        LADDER_NAMESPACES: ns,
        LADDER_GITHUB_API_URL: github.url,
        LADDER_GITHUB_APP_URL: new URL(harness.appUrl).origin,
        LADDER_POLL_INTERVAL_SECONDS: '1',
        LADDER_HOST: '127.0.0.1',
        LADDER_PORT: String(port),
      },
    });
    assert.deepEqual(container.args, ['agent', '--config', '/etc/ladder/agent.yaml']);
    assert.match(container.env!.NODE_OPTIONS!, /--max-old-space-size=128/, 'the bounded heap of the Deployment');
    agent = startContainer(image, container);
    const running = agent;
    const ready = () => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    await eventually(ready, 'the agent in the container to be ready', 60_000, 200).catch((error: Error) => {
      throw new Error(`${error.message}\n${running.output()}`);
    });
    // A release manager merges the manifests into dev.
    stopRollouts = markRolledOutWhenApplied(admin, ns, 'web');
    const head = await github.seed.commitFiles(repo, 'release-1', manifests, { from: 'dev', silent: true });
    // The shipped agent waits for the image (waitForImage): the App's image gate found it.
    await installationOctokit(github, repo).rest.repos.createCommitStatus({ owner, repo: name, sha: head, context: 'ladder/image', state: 'success', description: 'In the registry' });
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
