// Issue 13, item 2, "Done when": every overlay of deploy/ applies to the test
// bed's API server, and each agent then does its job under the RBAC the
// overlay ships (its own service account's token, nothing more): it applies a
// commit from the GitHub test bed to its namespace, holds its own Lease, and
// is refused in another environment's namespace. The App's service account
// may do nothing at all. The shipped agents wait for the image (waitForImage):
// a commit is applied once the App's ladder/image status on it is success, and
// held, saying so on its GitHub deployment, while it is not (issue 13, item 4).
// Each agent gets its GitHub token as it does in a pod: from the Ladder App,
// proving itself with its service account's token (issue #11), granted under
// agents: in the repository's .ladder/services.yml.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createKubeClient, type KubeClient, type KubeObject } from '../../src/adapters/kube/client.js';
import { parseAgentConfig } from '../../src/agent/wiring/config.js';
import { startAgent, type RunningAgent } from '../../src/agent/main.js';
import { stringify } from 'yaml';
import { installationOctokit, startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import { startControlPlane, type ControlPlane } from '../bed/kube/control-plane.js';
import { eventually, testLogger } from '../support/agent/log.js';
import { applyAsAdmin, buildOverlay, deployDir, isolate, only, parseObjects } from '../support/deploy/overlays.js';
import { statusOf } from '../support/kube-status.js';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { agentGrant, clusterCa, identityTokenFile, publishIssuerKeys } from '../support/agent-identity.js';

let cluster: ControlPlane;
let harness: AppHarness;
let github: GitHubServer;
let admin: KubeClient;
let tokenDir: string;
const agents: RunningAgent[] = [];
before(async () => {
  cluster = await startControlPlane();
  harness = await startAppHarness({ agentIssuers: { ca: clusterCa(cluster.kubeConfig) } });
  github = harness.github;
  admin = createKubeClient(cluster.kubeConfig);
  await publishIssuerKeys(cluster.kubeConfig);
  tokenDir = await mkdtemp(join(tmpdir(), 'ladder-deploy-apply-'));
});
after(async () => {
  await Promise.all(agents.map((agent) => agent.stop()));
  admin?.close();
  await Promise.all([cluster?.stop(), harness?.stop()]);
});

/** The repository's .ladder/services.yml: one service with dev, stg and prd, and the agents of `agentNamespaces` (service account ladder-agent). */
async function grantAgents(repo: string, agentNamespaces: Record<string, string>): Promise<void> {
  const agents: Record<string, unknown> = {};
  for (const [environment, namespace] of Object.entries(agentNamespaces)) agents[environment] = await agentGrant(cluster.kubeConfig, cluster.server, namespace, 'ladder-agent', [environment]);
  const services = {
    services: {
      settings: {
        repository: 'shop/settings',
        path: 'checkout',
        environments: {
          dev: { from: { branches: ['main'] }, namespaces: ['checkout-dev'] },
          stg: { from: { environment: 'dev' }, namespaces: ['checkout-stg'] },
          prd: { from: { environment: 'stg' }, namespaces: ['checkout'] },
        },
      },
    },
    agents,
  };
  await github.seed.commitFiles(repo, 'main', { '.ladder/services.yml': stringify(services) }, { message: 'Grant the agents', silent: true });
}

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
  assert.ok(shipped.github.appUrl && shipped.github.appId === undefined && shipped.github.token === undefined, 'the shipped agent asks the App for its token and holds no key');
  const config = parseAgentConfig((configMap.data as Record<string, string>)['agent.yaml']!, 'agent.yaml', {
    LADDER_REPOSITORY: repo,
    LADDER_NAMESPACES: shipped.namespaces.map(installed.namespace).join(','),
    LADDER_AGENT_NAMESPACE: installed.namespace(agentNs),
    LADDER_GITHUB_API_URL: github.url,
    LADDER_GITHUB_APP_URL: new URL(harness.appUrl).origin,
    // What the Deployment's projected volume holds: a token of the agent's service account for the audience ladder.
    LADDER_GITHUB_IDENTITY_TOKEN_PATH: await identityTokenFile(tokenDir, cluster.kubeConfig, installed.namespace(agentNs), 'ladder-agent'),
    LADDER_POLL_INTERVAL_SECONDS: '1',
    LADDER_HOST: '127.0.0.1',
    LADDER_PORT: '0',
  });
  assert.equal(shipped.waitForImage, true, `${agentNs}: the shipped agent waits for the image`);
  const kubeConfig = await cluster.kubeConfigForServiceAccount(installed.namespace(agentNs), 'ladder-agent');
  const agent = await startAgent(config, { kubeConfig, log: testLogger(), identity: `${agentNs}-pod` });
  agents.push(agent);
  return agent;
}

/**
 * Opens a pull request into `branch` and merges it as a person would. Its head gets the
 * `ladder/image` status the App's image gate would have written (`success` unless told otherwise):
 * the merge commit's second parent, where the agent finds it.
 */
async function mergeInto(repo: string, branch: string, files: Record<string, string>, image: 'success' | 'pending' = 'success'): Promise<string> {
  const [owner, name] = repo.split('/') as [string, string];
  github.setPermission(repo, 'release-manager', 'write');
  const head = await github.seed.commitFiles(repo, `release-${branch}`, files, { from: branch, silent: true });
  await setImageStatus(repo, head, image);
  const person = userOctokit(github, 'release-manager');
  const pull = await person.rest.pulls.create({ owner, repo: name, head: `release-${branch}`, base: branch, title: `Release to ${branch}` });
  return (await person.rest.pulls.merge({ owner, repo: name, pull_number: pull.data.number })).data.sha;
}

async function setImageStatus(repo: string, sha: string, state: 'success' | 'pending'): Promise<void> {
  const [owner, name] = repo.split('/') as [string, string];
  const description = state === 'success' ? 'In the registry: ghcr.io/shop/app:1 (sha256:0123456789ab)' : 'Waiting for the image to be pushed: ghcr.io/shop/app:1';
  await installationOctokit(github, repo).rest.repos.createCommitStatus({ owner, repo: name, sha, context: 'ladder/image', state, description });
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

/** The statuses (newest first) of the newest deployment of `sha`, once `ready` accepts their states. */
async function deploymentStatusesOf(repo: string, environment: string, sha: string, ready: (states: string[]) => boolean): Promise<Array<{ state: string; description: string }>> {
  const [owner, name] = repo.split('/') as [string, string];
  const person = userOctokit(github, 'release-manager');
  let found: Array<{ state: string; description: string }> = [];
  await eventually(
    async () => {
      const { data: deployments } = await person.rest.repos.listDeployments({ owner, repo: name, sha, environment });
      if (deployments.length === 0) return false;
      const { data } = await person.rest.repos.listDeploymentStatuses({ owner, repo: name, deployment_id: deployments[0]!.id });
      found = data.map((s) => ({ state: s.state, description: s.description ?? '' }));
      return ready(found.map((s) => s.state));
    },
    `${environment} deployment statuses of ${sha.slice(0, 7)}`,
    60_000,
    200,
  );
  return found;
}

const configMapFile = (value: string) => ({ 'checkout/settings.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  environment: ${value}\n` });

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
    const installed = await install(await buildOverlay('overlays/agent'), ['checkout-dev']);
    await grantAgents(repo, { dev: installed.namespace('ladder-system') });
    await startShippedAgent(installed, 'ladder-system', repo);
    // Merged while its image is not in the registry (a reviewer merged around the gate): held.
    const held = await mergeInto(repo, 'dev', configMapFile('dev'), 'pending');
    const queued = await deploymentStatusesOf(repo, 'dev', held, (states) => states.includes('queued'));
    assert.deepEqual(queued.map((s) => s.state), ['queued']);
    assert.match(queued[0]!.description, /^Not applied: ladder\/image is pending: Waiting for the image to be pushed/);
    const settings = `/api/v1/namespaces/${installed.namespace('checkout-dev')}/configmaps/settings`;
    assert.equal(await statusOf(admin.request('GET', settings)), 404, 'nothing applied while the image is missing');
    // The App finds the image: the same deployment goes on to success.
    const [pullHead] = (await userOctokit(github, 'release-manager').rest.git.getCommit({ owner: 'shop', repo: 'cluster-manifests', commit_sha: held })).data.parents.slice(1);
    await setImageStatus(repo, pullHead!.sha, 'success');
    await deployedSuccessfully(repo, 'dev', held);
    const finished = await deploymentStatusesOf(repo, 'dev', held, (states) => states.includes('success'));
    assert.deepEqual(finished.map((s) => s.state).reverse(), ['queued', 'in_progress', 'success'], 'one deployment: queued, then applied');
    const applied = await admin.request<{ data: Record<string, string> }>('GET', settings);
    assert.deepEqual(applied.data, { environment: 'dev' });
    const lease = await admin.request<{ spec: { holderIdentity: string } }>('GET', `/apis/coordination.k8s.io/v1/namespaces/${installed.namespace('ladder-system')}/leases/ladder-agent-dev`);
    assert.equal(lease.spec.holderIdentity, 'ladder-system-pod');
  });

  it('agent with the cluster-scoped component: its service account may also create Namespaces, which without it is refused', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ladder-overlay-'));
    const from = (path: string) => relative(dir, join(deployDir, path));
    await writeFile(join(dir, 'kustomization.yaml'), `resources: [${from('overlays/agent')}]\ncomponents: [${from('components/cluster-scoped')}]\n`);
    const withComponent = await install(await buildOverlay(dir), ['checkout-dev']);
    const without = await install(await buildOverlay('overlays/agent'), ['checkout-dev']);
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
    const installed = await install(await buildOverlay('overlays/environments'), ['checkout-dev', 'checkout-stg', 'checkout']);
    const targets = { dev: 'checkout-dev', stg: 'checkout-stg', prd: 'checkout' } as const;
    await grantAgents(repo, Object.fromEntries(Object.keys(targets).map((environment) => [environment, installed.namespace(`ladder-${environment}`)])));
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
      for (const other of ['checkout-stg', 'checkout']) {
        const path = `/api/v1/namespaces/${installed.namespace(other)}/configmaps/settings`;
        assert.equal(await statusOf(dev.request('PATCH', path, { query: { fieldManager: 'ladder' }, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } }, contentType: 'application/apply-patch+yaml' })), 403, other);
      }
      assert.equal(await statusOf(dev.request('GET', `/apis/coordination.k8s.io/v1/namespaces/${installed.namespace('ladder-stg')}/leases`)), 403);
    } finally {
      dev.close();
    }
  });
});
