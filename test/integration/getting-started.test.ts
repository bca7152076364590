// Issue 12, "docs that cannot drift": docs/getting-started.md, run. Its shell blocks run in order, as
// written, in one shell session (exported variables, functions and the directory carry from block to
// block), against the test bed: the local GitHub server as a GitHub Enterprise Server and a real
// kube-apiserver as the cluster. What the guide shows as output or log is compared with what came out.
// Blocks marked as a stand-in are what a person does in a browser or with `git push`; the test does the
// same through the GitHub server's pages and API. Two things the test does that the guide leaves to
// the world: it builds Ladder into a stand-in checkout (dist/ from this tree, the rest linked, deploy/
// copied because the guide edits it), and it plays the kubelet and the Deployment controller (the
// agents' pods run as processes with their service account's tokens, the API server's and the
// projected identity token the App checks; rollouts are marked done).
// Example addresses are replaced by the bed's: https://ladder.example.org by the App's local address,
// https://github.com by the bed, port 3000 by the test's port.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { KubeClient } from '../../src/adapters/kube/client.js';
import { startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { reserveLoopbackPorts } from '../bed/kube/ports.js';
import { eventually } from '../support/agent/log.js';
import { markRolledOutWhenApplied } from '../support/agent/rollout.js';
import { useControlPlane } from '../support/control-plane.js';
import { attributeOf, get } from '../support/first-run.js';
import { guideShell, messages, readGuide, type Background, type GuideBlock } from '../support/guide.js';
import { runAgentPod, standInCheckout } from '../support/guide-stand-ins.js';
import type { LadderProcess } from '../support/ladder-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const guide = readGuide(new URL('../../docs/getting-started.md', import.meta.url));
const person = 'octocat'; // the organization owner who follows the guide (and whom the bed's pages act for)

let cluster: ControlPlane;
let admin: KubeClient;
let github: GitHubServer;
useControlPlane(
  async (plane) => {
    ({ cluster, client: admin } = plane);
    github = await startGitHubServer();
  },
  { beforeStop: async () => github?.stop() },
);

/** Pull requests into a branch of the manifest repository, as the person sees them. */
async function pullsInto(_github: GitHubServer, fullName: string, base: string, state: 'open' | 'all' = 'open') {
  const [owner, repo] = fullName.split('/') as [string, string];
  return (await userOctokit(github, person).rest.pulls.list({ owner, repo, base, state })).data;
}

/** The `export NAME=` names a block sets. */
const exported = (block: GuideBlock) => [...block.text.matchAll(/^export (\w+)=/gm)].map((m) => m[1]!);

describe('docs/getting-started.md, run', () => {
  it('takes a newcomer from nothing to a registered App, agents per environment and a first promotion', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'ladder-guide-'));
    const [port] = (await reserveLoopbackPorts(1)) as [number];
    const appUrl = `http://127.0.0.1:${port}`;
    const substitute = (text: string) =>
      text.replaceAll('https://ladder.example.org', appUrl).replaceAll('http://localhost:3000', `http://localhost:${port}`).replaceAll('https://github.com', github.url);
    const bin = join(workspace, 'bin');
    const checkout = join(workspace, 'ladder');
    await mkdir(bin);
    await mkdir(join(workspace, 'home'));
    const shell = await guideShell(workspace, {
      PATH: `${bin}:${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      HOME: join(workspace, 'home'),
      KUBECONFIG: cluster.kubeconfigPath,
      PORT: String(port),
      GIT_AUTHOR_NAME: 'Guide Reader',
      GIT_AUTHOR_EMAIL: 'reader@example.org',
      GIT_COMMITTER_NAME: 'Guide Reader',
      GIT_COMMITTER_EMAIL: 'reader@example.org',
    });
    const files = new Map<string, string>();
    let last: { stdout: string; stderr: string } | undefined;
    let running: Background | undefined;
    let stopKubelet = () => undefined as void;
    const pods: LadderProcess[] = [];
    let mergeSha = '';

    try {
      for (const block of guide) {
        const where = `docs/getting-started.md:${block.line} (${block.section})`;
        const { instruction } = block;
        switch (instruction.kind) {
          case 'run': {
            const result = await shell.run(substitute(block.text));
            assert.equal(result.status, 0, `${where} failed:\n${result.stdout}\n${result.stderr}`);
            last = result;
            if (block.text.includes('kubectl apply -k deploy/overlays/environments')) {
              // The kubelet's part: run each environment's agent pod as a process.
              for (const environment of ['dev', 'stg']) pods.push(await runAgentPod(environment, workspace, cluster, admin));
              const stopDev = markRolledOutWhenApplied(admin, 'checkout-dev', 'checkout');
              const stopStg = markRolledOutWhenApplied(admin, 'checkout-stg', 'checkout');
              stopKubelet = () => {
                stopDev();
                stopStg();
              };
            }
            break;
          }
          case 'in': {
            const dir = join(workspace, instruction.dir);
            const result = await shell.run(substitute(block.text), dir);
            assert.equal(result.status, 0, `${where} failed:\n${result.stdout}\n${result.stderr}`);
            last = result;
            break;
          }
          case 'output':
            assert.equal(last?.stdout, substitute(block.text), `${where}: what the block before printed`);
            break;
          case 'background': {
            await running?.interrupt();
            running = shell.background(substitute(block.text));
            const until = instruction.until;
            await eventually(() => running!.output().includes(until), `${where}: '${until}' in ${running!.output()}`, 120_000, 100);
            break;
          }
          case 'log': {
            const logged = messages(running!.output());
            let from = 0;
            for (const expected of substitute(block.text).trimEnd().split('\n')) {
              await eventually(() => logged.concat(messages(running!.output())).slice(from).includes(expected) || undefined, `${where}: the log line '${expected}' in:\n${messages(running!.output()).join('\n')}`, 60_000, 100);
              from = messages(running!.output()).indexOf(expected, from) + 1;
            }
            break;
          }
          case 'file':
            files.set(instruction.path, block.text);
            await writeCodeRepository(workspace, files);
            break;
          case 'stand-in':
            switch (instruction.name) {
              case 'variables':
                assert.deepEqual(exported(block), ['ORG', 'GITHUB_API', 'GITHUB_TOKEN']);
                // An Enterprise Server user's settings, as the block's comment says.
                await shell.addExports({ ORG: 'shop', GITHUB_API: github.url, GITHUB_TOKEN: github.userToken(person), GHE_HOST: new URL(github.url).host, GHE_PROTOCOL: 'http' });
                break;
              case 'checkout':
                assert.match(block.text, /npm ci/);
                assert.match(block.text, /npm link/);
                await standInCheckout(checkout, bin);
                await shell.run(`cd ${checkout}`);
                break;
              case 'repositories':
                for (const name of ['shop/checkout', 'shop/checkout-manifests']) {
                  await github.createRepo(name, { install: false });
                  github.setPermission(name, person, 'admin');
                }
                break;
              case 'register':
                // Nothing to keep: the agents get their tokens from the App, not from the installation's id and key.
                assert.deepEqual(exported(block), []);
                await registerAndInstall(port);
                break;
              case 'merge':
                mergeSha = await mergeConfiguration(files);
                break;
              default:
                assert.fail(`${where}: no stand-in named '${instruction.name}'`);
            }
            break;
        }
      }

      // Step 7, "the first promotion", as the guide describes it.
      const owner = 'shop';
      const devPull = await eventually(async () => (await pullsInto(github, 'shop/checkout-manifests', 'dev', 'all')).find((pull) => pull.merged_at), 'the dev promotion, auto-merged', 120_000, 250);
      assert.equal(devPull.title, `Promote checkout to dev (${mergeSha.slice(0, 12)})`);
      assert.equal(devPull.head.ref, 'ladder/checkout/dev');
      const client = userOctokit(github, person);
      const runs = await client.rest.checks.listForRef({ owner, repo: 'checkout', ref: mergeSha });
      assert.deepEqual(runs.data.check_runs.map((run) => [run.name, run.conclusion]), [['ladder/promote (dev)', 'success']]);
      await eventually(() => admin.request('GET', '/apis/apps/v1/namespaces/checkout-dev/deployments/checkout').then(() => true, () => false), 'the dev agent to apply the Deployment', 120_000, 250);
      const stgPull = await eventually(async () => (await pullsInto(github, 'shop/checkout-manifests', 'stg'))[0], 'the stg promotion, opened by the dev deployment', 180_000, 250);
      assert.equal(stgPull.title, `Promote checkout to stg (${mergeSha.slice(0, 12)})`);
      // The gates write their statuses just after the pull request is opened.
      const soak = await eventually(async () => (await client.rest.repos.getCombinedStatusForRef({ owner, repo: 'checkout-manifests', ref: stgPull.head.sha })).data.statuses.find((status) => status.context === 'ladder/soak'), "the stg promotion's ladder/soak status", 60_000, 250);
      assert.equal(soak.state, 'pending', 'stg waits for 30 minutes of dev');
      const deployments = await client.rest.repos.listDeployments({ owner, repo: 'checkout-manifests', environment: 'dev' });
      const devStatus = await client.rest.repos.listDeploymentStatuses({ owner, repo: 'checkout-manifests', deployment_id: deployments.data[0]!.id });
      assert.equal(devStatus.data[0]?.state, 'success', 'the dev agent reported the deployment healthy');
    } finally {
      stopKubelet();
      for (const pod of pods) pod.child.kill('SIGTERM');
      await Promise.all(pods.map((pod) => pod.exited));
      await running?.interrupt();
      await rm(workspace, { recursive: true, force: true });
    }
  });
});

/** The browser's part of step 3 on the bed's pages: the setup page's form posted to GitHub, confirmed, and the App installed on the two repositories. */
async function registerAndInstall(port: number): Promise<number> {
  const page = await get(`http://localhost:${port}/probot`);
  const action = attributeOf(page.body, /<form[^>]*id="register"[^>]*>/, 'action');
  assert.equal(action, `${github.url}/organizations/shop/settings/apps/new`, 'the page registers on the organization of GH_ORG');
  assert.match(page.body, /Register Ladder \(shop\) on GitHub/);
  const manifest = attributeOf(page.body, /<input[^>]*name="manifest"[^>]*>/, 'value')!;
  const confirmed = await fetch(action, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ manifest }) });
  const back = await get(confirmed.headers.get('location')!);
  assert.equal(back.status, 302, back.body);
  assert.equal(back.location, `${github.url}/apps/ladder-shop/installations/new`);
  const installed = await fetch(back.location!, { method: 'POST', body: new URLSearchParams({ account: 'shop', repositories: 'checkout,checkout-manifests' }) });
  assert.equal(installed.status, 200, await installed.text());
  const app = github.apps().find((a) => a.slug === 'ladder-shop')!;
  return github.installations.idFor('shop/checkout-manifests', app.id);
}

/** The reader's clone of the code repository, holding the files the guide has shown so far. */
async function writeCodeRepository(workspace: string, files: Map<string, string>): Promise<void> {
  const dir = join(workspace, 'code-repository');
  await mkdir(join(dir, '.github'), { recursive: true });
  for (const [path, text] of files) await writeFile(join(dir, path), text);
  const git = (...args: string[]) => spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'r', GIT_AUTHOR_EMAIL: 'r@example.org', GIT_COMMITTER_NAME: 'r', GIT_COMMITTER_EMAIL: 'r@example.org' } });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'Ladder configuration');
}

/** `git push` and the pull request's merge: the guide's files and the example build workflow on a branch of shop/checkout, merged into main. */
async function mergeConfiguration(files: Map<string, string>): Promise<string> {
  const workflow = await readFile(join(root, 'docs/example/.github/workflows/build.yml'), 'utf8');
  await github.seed.commitFiles('shop/checkout', 'ladder', { ...Object.fromEntries(files), '.github/workflows/build.yml': workflow }, { from: 'main', message: 'Ladder: configuration and image build', silent: true });
  const client = userOctokit(github, person);
  const pull = await client.rest.pulls.create({ owner: 'shop', repo: 'checkout', head: 'ladder', base: 'main', title: 'Ladder: configuration and image build' });
  const merged = await client.rest.pulls.merge({ owner: 'shop', repo: 'checkout', pull_number: pull.data.number });
  return merged.data.sha;
}
