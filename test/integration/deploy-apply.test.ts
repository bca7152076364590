// Issue 13, item 2, "Done when": every overlay of deploy/ applies to the test
// bed's API server, and each agent then does its job under the RBAC the
// overlay ships (its own service account's token, nothing more): it applies a
// commit from the GitHub test bed to its namespace, holds its own Lease, and
// is refused in another environment's namespace. The App's service account
// may do nothing at all.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKubeClient, type KubeClient, type KubeObject } from '../../src/adapters/kube/client.js';
import { parseAgentConfig } from '../../src/agent/wiring/config.js';
import { startAgent, type RunningAgent } from '../../src/agent/main.js';
import { startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import { startControlPlane, type ControlPlane } from '../bed/kube/control-plane.js';
import { eventually, testLogger } from '../support/agent/log.js';
import { applyAsAdmin, buildOverlay, deployDir, isolate, only, parseObjects } from '../support/deploy/overlays.js';
import { statusOf } from '../support/kube-status.js';

let cluster: ControlPlane;
let github: GitHubServer;
let admin: KubeClient;
let keyPath: string;
const agents: RunningAgent[] = [];
before(async () => {
  [cluster, github] = await Promise.all([startControlPlane(), startGitHubServer()]);
  admin = createKubeClient(cluster.kubeConfig);
  const dir = await mkdtemp(join(tmpdir(), 'ladder-deploy-apply-'));
  keyPath = join(dir, 'app.pem');
  await writeFile(keyPath, github.app.privateKey, { mode: 0o600 });
});
after(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  admin?.close();
  await Promise.all([cluster?.stop(), github?.stop()]);
});

/** Renders an overlay, moves it to fresh names, creates the namespaces it deploys to (they must exist), and applies it. */
async function install(yaml: string, targets: string[]): Promise<{ objects: KubeObject[]; namespace: (original: string) => string }> {
  const isolated = isolate(parseObjects(yaml));
  await applyAsAdmin(admin, targets.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: isolated.namespace(name) } })));
  await applyAsAdmin(admin, isolated.objects);
  return isolated;
}

/** Starts the agent of `agentNs` from the overlay's own agent.yaml, with its service account's token; variables point it at the test bed, as they would override the file in a pod. */
async function startShippedAgent(installed: { objects: KubeObject[]; namespace: (n: string) => string }, agentNs: string, repo: string): Promise<RunningAgent> {
  const configMap = only(installed.objects, 'ConfigMap', installed.namespace(agentNs));
  const shipped = parseAgentConfig((configMap.data as Record<string, string>)['agent.yaml']!, 'agent.yaml', {});
  const config = parseAgentConfig((configMap.data as Record<string, string>)['agent.yaml']!, 'agent.yaml', {
    LADDER_REPOSITORY: repo,
    LADDER_NAMESPACES: shipped.namespaces.map(installed.namespace).join(','),
    LADDER_AGENT_NAMESPACE: installed.namespace(agentNs),
    LADDER_GITHUB_API_URL: github.url,
    LADDER_GITHUB_APP_ID: String(github.app.id),
    LADDER_GITHUB_INSTALLATION_ID: String(github.installations.idFor(repo)),
    LADDER_GITHUB_PRIVATE_KEY_PATH: keyPath,
    LADDER_POLL_INTERVAL_SECONDS: '1',
    LADDER_HOST: '127.0.0.1',
    LADDER_PORT: '0',
  });
  const kubeConfig = await cluster.kubeConfigForServiceAccount(installed.namespace(agentNs), 'ladder-agent');
  const agent = await startAgent(config, { kubeConfig, log: testLogger(), identity: `${agentNs}-pod` });
  agents.push(agent);
  return agent;
}

async function mergeInto(repo: string, branch: string, files: Record<string, string>): Promise<string> {
  const [owner, name] = repo.split('/') as [string, string];
  github.setPermission(repo, 'release-manager', 'write');
  await github.seed.commitFiles(repo, `release-${branch}`, files, { from: branch, silent: true });
  const person = userOctokit(github, 'release-manager');
  const pull = await person.rest.pulls.create({ owner, repo: name, head: `release-${branch}`, base: branch, title: `Release to ${branch}` });
  return (await person.rest.pulls.merge({ owner, repo: name, pull_number: pull.data.number })).data.sha;
}

async function deployedSuccessfully(repo: string, environment: string, sha: string): Promise<void> {
  const [owner, name] = repo.split('/') as [string, string];
  const person = userOctokit(github, 'release-manager');
  await eventually(
    async () => {
      const { data: deployments } = await person.rest.repos.listDeployments({ owner, repo: name, sha, environment });
      if (deployments.length === 0) return false;
      const { data: statuses } = await person.rest.repos.listDeploymentStatuses({ owner, repo: name, deployment_id: deployments[0]!.id });
      return statuses.some((s) => s.state === 'success');
    },
    `a successful ${environment} deployment of ${sha.slice(0, 7)}`,
    60_000,
    200,
  );
}

const configMapFile = (value: string) => ({ 'manifests/settings.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  environment: ${value}\n` });

describe("deploy/'s overlays on a real API server", () => {
  it('app: applies, and its service account may do nothing (no token is mounted, and none is needed)', async () => {
    const installed = await install(await buildOverlay('overlays/app'), []);
    const ns = installed.namespace('ladder-app');
    const deployment = await admin.request<{ spec: { template: { spec: { automountServiceAccountToken: boolean; serviceAccountName: string } } } }>('GET', `/apis/apps/v1/namespaces/${ns}/deployments/ladder-app`);
    assert.deepEqual(
      { automount: deployment.spec.template.spec.automountServiceAccountToken, serviceAccount: deployment.spec.template.spec.serviceAccountName },
      { automount: false, serviceAccount: 'ladder-app' },
    );
    const app = createKubeClient(await cluster.kubeConfigForServiceAccount(ns, 'ladder-app'));
    try {
      for (const path of [`/api/v1/namespaces/${ns}/secrets`, `/api/v1/namespaces/${ns}/pods`, `/api/v1/namespaces/${ns}/configmaps`, '/api/v1/namespaces']) {
        assert.equal(await statusOf(app.request('GET', path)), 403, path);
      }
    } finally {
      app.close();
    }
  });

  it('agent (one per cluster): applies, and the agent it runs applies a merged commit with that RBAC alone', async () => {
    const repo = 'shop/cluster-manifests';
    await github.createRepo(repo);
    await github.seed.commitFiles(repo, 'dev', { 'README.md': '# dev\n' }, { from: 'main' });
    const installed = await install(await buildOverlay('overlays/agent'), ['shop-dev']);
    await startShippedAgent(installed, 'ladder-system', repo);
    const sha = await mergeInto(repo, 'dev', configMapFile('dev'));
    await deployedSuccessfully(repo, 'dev', sha);
    const applied = await admin.request<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${installed.namespace('shop-dev')}/configmaps/settings`);
    assert.deepEqual(applied.data, { environment: 'dev' });
    const lease = await admin.request<{ spec: { holderIdentity: string } }>('GET', `/apis/coordination.k8s.io/v1/namespaces/${installed.namespace('ladder-system')}/leases/ladder-agent-dev`);
    assert.equal(lease.spec.holderIdentity, 'ladder-system-pod');
  });

  it('agent with the cluster-scoped component: its service account may also create Namespaces, which without it is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ladder-overlay-'));
    const from = (path: string) => relative(dir, join(deployDir, path));
    await writeFile(join(dir, 'kustomization.yaml'), `resources: [${from('overlays/agent')}]\ncomponents: [${from('components/cluster-scoped')}]\n`);
    const withComponent = await install(await buildOverlay(dir), ['shop-dev']);
    const without = await install(await buildOverlay('overlays/agent'), ['shop-dev']);
    const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    for (const [installed, expected] of [[withComponent, 200], [without, 403]] as const) {
      const agent = createKubeClient(await cluster.kubeConfigForServiceAccount(installed.namespace('ladder-system'), 'ladder-agent'));
      try {
        const name = `${installed.namespace('ladder-system')}-team`;
        const dryRun = agent.request('PATCH', `/api/v1/namespaces/${name}`, { query: { fieldManager: 'ladder', dryRun: 'All' }, body: namespace(name), contentType: 'application/apply-patch+yaml' });
        assert.equal(await statusOf(dryRun), expected);
      } finally {
        agent.close();
      }
    }
  });

  it('environments (several in one cluster): three agents, each applying its own branch to its own namespace, with its own Lease, and refused in the others', async () => {
    const repo = 'shop/env-manifests';
    await github.createRepo(repo);
    for (const branch of ['dev', 'stg', 'prd']) await github.seed.commitFiles(repo, branch, { 'README.md': `# ${branch}\n` }, { from: 'main' });
    const installed = await install(await buildOverlay('overlays/environments'), ['shop-dev', 'shop-stg', 'shop']);
    const targets = { dev: 'shop-dev', stg: 'shop-stg', prd: 'shop' } as const;
    for (const environment of Object.keys(targets)) await startShippedAgent(installed, `ladder-${environment}`, repo);
    const merged = await Promise.all(Object.keys(targets).map(async (environment) => [environment, await mergeInto(repo, environment, configMapFile(environment))] as const));
    for (const [environment, sha] of merged) await deployedSuccessfully(repo, environment, sha);
    for (const [environment, target] of Object.entries(targets)) {
      const applied = await admin.request<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${installed.namespace(target)}/configmaps/settings`);
      assert.deepEqual(applied.data, { environment }, `${environment} applied its own branch to ${target}`);
      const lease = await admin.request<{ spec: { holderIdentity: string } }>('GET', `/apis/coordination.k8s.io/v1/namespaces/${installed.namespace(`ladder-${environment}`)}/leases/ladder-agent-${environment}`);
      assert.equal(lease.spec.holderIdentity, `ladder-${environment}-pod`);
    }
    const dev = createKubeClient(await cluster.kubeConfigForServiceAccount(installed.namespace('ladder-dev'), 'ladder-agent'));
    try {
      for (const other of ['shop-stg', 'shop']) {
        const path = `/api/v1/namespaces/${installed.namespace(other)}/configmaps/settings`;
        assert.equal(await statusOf(dev.request('PATCH', path, { query: { fieldManager: 'ladder' }, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } }, contentType: 'application/apply-patch+yaml' })), 403, other);
      }
      assert.equal(await statusOf(dev.request('GET', `/apis/coordination.k8s.io/v1/namespaces/${installed.namespace('ladder-stg')}/leases`)), 403);
    } finally {
      dev.close();
    }
  });
});
