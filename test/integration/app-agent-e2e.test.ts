// Issue #10: the App and the agent tested together. `ladder app` and two `ladder agent` processes
// (dev, stg), the local GitHub server (reached as GitHub Enterprise Server, /api/v3) and a real
// kube-apiserver; nobody simulates a deployment report. A code merge goes through the dev promotion
// (validated, auto-merged), the dev agent's apply and report, the stg promotion the report starts,
// review and merge, the stg agent's apply and report, and the prd promotion. A second merge 300
// commits later does it again: each promotion's body then lists the newest of 302 commits since the
// version on its environment, which Ladder reads page by page.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createKubeClient, type KubeClient } from '../../src/adapters/kube/client.js';
import { parseTrailers } from '../../src/core/promotion/trailers.js';
import { putBranchProtection, startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import { startControlPlane, type ControlPlane } from '../bed/kube/control-plane.js';
import { writeKubeConfigFile } from '../bed/kube/kubeconfig.js';
import { reserveLoopbackPorts } from '../bed/kube/ports.js';
import { applyDeployRbac } from '../support/agent/deploy-rbac.js';
import { eventually } from '../support/agent/log.js';
import { markRolledOutWhenApplied } from '../support/agent/rollout.js';
import { createService, mergePullRequest } from '../support/github-service.js';
import { waitUntilReady } from '../support/ladder-app.js';
import { branchSha, commitMessageOf, pullsInto, repoParams } from '../support/promotion-fixtures.js';

const mainScript = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');
const reviewer = 'alice';
const gates = ['ladder/validate', 'ladder/soak', 'ladder/window', 'ladder/lock'];

interface Running {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `ladder <args>` as a process, through tsx like the other CLI tests; SIGTERM stops it. */
function runLadder(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', tsxLoader, mainScript, ...args], {
    env: { PATH: process.env.PATH, NODE_OPTIONS: process.env.NODE_OPTIONS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

describe('the App and the agent together: a merge to production, through real processes', () => {
  let github: GitHubServer;
  let cluster: ControlPlane;
  let admin: KubeClient;
  let repos: { codeRepo: string; manifestRepo: string };
  let namespaces: { dev: string; stg: string; agent: string };
  const processes: Running[] = [];
  const stopRollouts: (() => void)[] = [];

  before(async () => {
    [github, cluster] = await Promise.all([startGitHubServer(), startControlPlane()]);
    admin = createKubeClient(cluster.kubeConfig);
    namespaces = { agent: await cluster.newNamespace('ladder-system'), dev: await cluster.newNamespace('checkout-dev'), stg: await cluster.newNamespace('checkout-stg') };
    await applyDeployRbac(admin, namespaces.agent, [namespaces.dev, namespaces.stg]);
    const dir = await mkdtemp(join(tmpdir(), 'ladder-app-agent-'));
    const keyPath = join(dir, 'app.pem');
    const kubeconfigPath = join(dir, 'agent.kubeconfig');
    await writeFile(keyPath, github.app.privateKey, { mode: 0o600 });
    // The agents run with deploy/'s RBAC, as their service account, not as administrators.
    await writeKubeConfigFile(kubeconfigPath, await cluster.kubeConfigForServiceAccount(namespaces.agent, 'ladder-agent'));

    const config = [
      'service: checkout',
      'image: registry.example.com/shop/checkout',
      'manifests: { repo: shop/checkout-manifests }',
      'environments:',
      `  - { name: dev, from: { branch: main }, namespace: ${namespaces.dev}, autoMerge: true }`,
      `  - { name: stg, from: { environment: dev }, namespace: ${namespaces.stg}, reviewers: { users: [${reviewer}] } }`,
      '  - { name: prd, from: { environment: stg }, namespace: checkout }',
      '',
    ].join('\n');
    repos = await createService(github, { config });
    github.setPermission(repos.manifestRepo, reviewer, 'write');
    await putBranchProtection(github, repos.manifestRepo, 'dev', { requiredStatusChecks: gates });
    await putBranchProtection(github, repos.manifestRepo, 'stg', { requiredStatusChecks: gates, requiredApprovingReviewCount: 1 });

    // GitHub Enterprise Server's form of the API URL, as a self-hosted installation would configure it.
    const [appPort] = (await reserveLoopbackPorts(1)) as [number];
    const host = new URL(github.url).host;
    const app = runLadder(['app'], { APP_ID: String(github.app.id), PRIVATE_KEY_PATH: keyPath, WEBHOOK_SECRET: github.app.webhookSecret, GHE_HOST: host, GHE_PROTOCOL: 'http', HOST: '127.0.0.1', PORT: String(appPort), LOG_LEVEL: 'debug' });
    processes.push(app);
    for (const environment of ['dev', 'stg'] as const) {
      const file = join(dir, `agent-${environment}.yaml`);
      await writeFile(
        file,
        [
          `repository: ${repos.manifestRepo}`,
          `environment: ${environment}`,
          `namespaces: [${namespaces[environment]}]`,
          `agentNamespace: ${namespaces.agent}`,
          'github:',
          `  apiUrl: ${github.url}/api/v3`,
          `  appId: ${github.app.id}`,
          `  installationId: ${github.installations.idFor(repos.manifestRepo)}`,
          `  privateKeyPath: ${keyPath}`,
          'intervals: { pollSeconds: 1, healthTimeoutSeconds: 120 }',
          `leaderElection: { leaseName: ladder-agent-${environment}, leaseDurationSeconds: 5, renewDeadlineSeconds: 4, retryPeriodSeconds: 1 }`,
          'server: { host: 127.0.0.1, port: 0 }',
          '',
        ].join('\n'),
      );
      processes.push(runLadder(['agent', '--config', file], { KUBECONFIG: kubeconfigPath, LADDER_POD_NAME: `agent-${environment}` }));
      // No kubelet here: something must play the Deployment controller.
      stopRollouts.push(markRolledOutWhenApplied(admin, namespaces[environment], 'checkout'));
    }
    await waitUntilReady(`http://127.0.0.1:${appPort}`, 120_000);
    github.webhooks.url = `http://127.0.0.1:${appPort}/api/github/webhooks`;
  });

  after(async () => {
    for (const stop of stopRollouts) stop();
    await Promise.all(processes.map((p) => p.stop()));
    admin?.close();
    await Promise.all([cluster?.stop(), github?.stop()]);
  });

  /** The Ladder version a manifest commit carries: its own trailers, or those of the Ladder commit a review merge brought in. */
  const versionAt = (ref: string) => {
    const message = (at: string) => {
      try {
        return commitMessageOf(github, repos.manifestRepo, at);
      } catch {
        return '';
      }
    };
    return parseTrailers(message(ref)) ?? parseTrailers(message(`${ref}^2`));
  };
  const logs = () => processes.map((p) => p.output()).join('\n').slice(-6000);

  async function openPullInto(base: string, image: string) {
    return eventually(
      async () => (await pullsInto(github, repos.manifestRepo, base)).find((pull) => versionAt(pull.head.sha)?.image === image),
      `a ${base} promotion carrying ${image}`,
      60_000,
      500,
    ).catch((error: Error) => assert.fail(`${error.message}\n${logs()}`));
  }

  /** The agent's deployment of `environment` at the branch head, once its last status is final. */
  async function deployedBy(environment: 'dev' | 'stg') {
    const sha = await branchSha(github, repos.manifestRepo, environment);
    const person = userOctokit(github, reviewer);
    return eventually(
      async () => {
        const { data: [deployment] } = await person.rest.repos.listDeployments({ ...repoParams(repos.manifestRepo), sha, environment });
        if (!deployment) return undefined;
        const { data: statuses } = await person.rest.repos.listDeploymentStatuses({ ...repoParams(repos.manifestRepo), deployment_id: deployment.id });
        const last = statuses[0];
        return last && ['success', 'failure', 'error'].includes(last.state) ? { deployment, statuses, sha } : undefined;
      },
      `the ${environment} agent's report of ${sha.slice(0, 7)}`,
      60_000,
      500,
    ).catch((error: Error) => assert.fail(`${error.message}\n${logs()}`));
  }

  async function liveImage(namespace: string): Promise<string | undefined> {
    const live = await admin.request<{ spec: { template: { spec: { containers: { image: string }[] } } } }>('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/checkout`).catch(() => undefined);
    return live?.spec.template.spec.containers[0]?.image;
  }

  /** One code merge through dev (auto-merged, applied, reported), stg (reviewed, applied, reported) to prd's promotion. */
  async function promote(title: string) {
    const merged = await mergePullRequest(github, repos.codeRepo, { branch: title.toLowerCase().replace(/\W+/g, '-'), title, files: { 'src/checkout.ts': `export const version = ${JSON.stringify(title)};\n` } });
    const image = `registry.example.com/shop/checkout:${merged.mergeSha}`;

    const devPull = await openPullInto('dev', image).catch(() => undefined);
    await eventually(async () => versionAt(await branchSha(github, repos.manifestRepo, 'dev'))?.image === image, 'dev auto-merged', 60_000, 500).catch((error: Error) => assert.fail(`${error.message}\n${logs()}`));
    const dev = await deployedBy('dev');
    assert.equal(dev.statuses[0]?.state, 'success', JSON.stringify(dev.statuses.map((s) => `${s.state}: ${s.description}`)));
    assert.deepEqual([dev.deployment.environment, dev.deployment.production_environment, dev.deployment.task], ['dev', false, 'deploy']);
    assert.deepEqual(new Set(dev.statuses.map((s) => s.environment)), new Set(['dev']), 'every status names the environment');
    assert.equal(await liveImage(namespaces.dev), image, 'the dev agent applied the image to the cluster');

    // The agent's report, and nothing else, starts the stg promotion: same image, by review.
    const opened = await openPullInto('stg', image);
    // Ladder asks for the review right after opening the pull request.
    const stgPull = await eventually(
      async () => (await pullsInto(github, repos.manifestRepo, 'stg')).find((pull) => pull.number === opened.number && pull.requested_reviewers?.some((user) => user.login === reviewer)),
      `${reviewer} asked to review the stg promotion`,
      60_000,
      500,
    );
    assert.deepEqual(stgPull.requested_reviewers?.map((user) => user.login), [reviewer]);
    await userOctokit(github, reviewer).rest.pulls.createReview({ ...repoParams(repos.manifestRepo), pull_number: stgPull.number, event: 'APPROVE' });
    await eventually(
      async () => {
        try {
          await userOctokit(github, reviewer).rest.pulls.merge({ ...repoParams(repos.manifestRepo), pull_number: stgPull.number });
          return true;
        } catch {
          return false;
        }
      },
      'the reviewed stg promotion to be mergeable',
      120_000,
      500,
    );
    const stg = await deployedBy('stg');
    assert.equal(stg.statuses[0]?.state, 'success', JSON.stringify(stg.statuses.map((s) => `${s.state}: ${s.description}`)));
    assert.deepEqual([stg.deployment.environment, stg.deployment.production_environment], ['stg', false]);
    assert.deepEqual(new Set(stg.statuses.map((s) => s.environment)), new Set(['stg']));
    assert.equal(await liveImage(namespaces.stg), image, 'the stg agent applied the same image');

    const prdPull = await openPullInto('prd', image);
    return { merged, image, devPull, stgPull, prdPull };
  }

  it('promotes a merge: dev applied and reported by the agent, stg reviewed, applied and reported, prd proposed with the same image', async () => {
    const first = await promote('First version');
    assert.equal(versionAt(first.prdPull.head.sha)?.sourceSha, first.merged.mergeSha);
    assert.match(first.prdPull.body ?? '', new RegExp(`\`${first.image}\``));
  });

  it('promotes the next merge 302 commits later, each PR listing the newest commits since its environment\'s version', async () => {
    const previous = await branchSha(github, repos.codeRepo, 'main');
    await github.seed.commitMany(repos.codeRepo, 'main', 300, { silent: true });
    const second = await promote('Second version');
    for (const [environment, pull] of [['dev', second.devPull], ['stg', second.stgPull]] as const) {
      const body = pull?.body ?? '';
      const listed = [...body.matchAll(/^- ([0-9a-f]{7}) (.*?)(?: \(|$| —)/gm)].map((m) => m[2]);
      assert.match(listed[0] ?? '', new RegExp(`^Merge pull request ${repos.codeRepo}#${second.merged.number}`), `${environment}: the newest first\n${body}`);
      assert.deepEqual(listed.slice(1, 4), ['Second version', 'Commit 300', 'Commit 299'], environment);
      assert.equal(listed.length, 50, `${environment} lists the newest 50`);
      assert.match(body, /^- … and 252 more$/m, `${environment}: 302 commits since ${previous.slice(0, 7)}`);
    }
    assert.equal(versionAt(second.prdPull.head.sha)?.image, second.image, 'prd is offered the image stg runs');
  });
});
