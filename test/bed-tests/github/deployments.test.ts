import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startGitHubServer, type GitHubServer } from '../../bed/github/index.js';
import { installationOctokit, type BedOctokit } from '../../bed/github/clients.js';
import { rejection } from '../../bed/github/expect.js';
import { startWebhookReceiver, type WebhookReceiver } from '../../bed/github/receiver.js';

const owner = 'shop';
const repo = 'deploys';
const fullName = `${owner}/${repo}`;

describe('GitHub server: deployments and deployment statuses', () => {
  let github: GitHubServer;
  let agent: BedOctokit;
  let receiver: WebhookReceiver;
  let devSha: string;

  before(async () => {
    github = await startGitHubServer();
    receiver = await startWebhookReceiver();
    github.webhooks.url = receiver.url;
    await github.createRepo(fullName);
    devSha = await github.seed.commitFiles(fullName, 'dev', { 'deployment.yaml': 'image: a\n' }, { from: 'main' });
    agent = installationOctokit(github, fullName);
  });

  after(async () => {
    await github.stop();
    await receiver.close();
  });

  it('records a deployment of the manifest commit and reports its statuses as deployment_status webhooks', async () => {
    const created = await agent.rest.repos.createDeployment({
      owner,
      repo,
      ref: devSha,
      environment: 'dev',
      auto_merge: false,
      required_contexts: [],
      payload: { service: 'checkout' },
      description: 'ladder agent sync',
    });
    assert.equal(created.status, 201);
    const deployment = created.data as { id: number; sha: string; environment: string; production_environment?: boolean };
    assert.deepEqual([deployment.sha, deployment.environment, deployment.production_environment], [devSha, 'dev', false]);
    await agent.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: deployment.id, state: 'in_progress' });
    await agent.rest.repos.createDeploymentStatus({
      owner,
      repo,
      deployment_id: deployment.id,
      state: 'success',
      environment_url: 'https://checkout.dev.example.com',
      log_url: 'https://logs.example.com/1',
    });
    const statuses = await agent.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: deployment.id });
    assert.deepEqual(statuses.data.map((s) => s.state), ['success', 'in_progress']);
    const hook = await receiver.waitFor(
      (h) => h.event === 'deployment_status' && (h.payload.deployment_status as { state: string }).state === 'success',
    );
    const payload = hook.payload as { deployment: { id: number; sha: string }; deployment_status: { environment: string } };
    assert.deepEqual([payload.deployment.id, payload.deployment.sha, payload.deployment_status.environment], [deployment.id, devSha, 'dev']);
  });

  it('filters deployments and marks older successful ones inactive (auto_inactive)', async () => {
    const next = await github.seed.commitFiles(fullName, 'dev', { 'deployment.yaml': 'image: b\n' });
    const second = (await agent.rest.repos.createDeployment({ owner, repo, ref: next, environment: 'dev', auto_merge: false, required_contexts: [] })).data as { id: number };
    await agent.rest.repos.createDeploymentStatus({ owner, repo, deployment_id: second.id, state: 'success' });
    const list = await agent.rest.repos.listDeployments({ owner, repo, environment: 'dev' });
    assert.deepEqual(list.data.map((d) => d.sha), [next, devSha]);
    const first = list.data[1];
    assert.ok(first);
    const firstStatuses = await agent.rest.repos.listDeploymentStatuses({ owner, repo, deployment_id: first.id });
    assert.equal(firstStatuses.data[0]?.state, 'inactive');
    assert.deepEqual((await agent.rest.repos.listDeployments({ owner, repo, sha: devSha })).data.map((d) => d.id), [first.id]);
    assert.equal((await agent.rest.repos.listDeployments({ owner, repo, environment: 'prd' })).data.length, 0);
    assert.equal((await rejection(agent.rest.repos.getDeployment({ owner, repo, deployment_id: 1 }))).status, 404);
  });

  it('refuses a deployment while required status contexts are not green (409)', async () => {
    const sha = await github.seed.commitFiles(fullName, 'stg', { 'deployment.yaml': 'image: c\n' }, { from: 'main' });
    await agent.rest.repos.createCommitStatus({ owner, repo, sha, state: 'pending', context: 'ci' });
    const refused = await rejection(agent.rest.repos.createDeployment({ owner, repo, ref: 'stg', environment: 'stg', auto_merge: false }));
    assert.equal(refused.status, 409);
    const skipped = await agent.rest.repos.createDeployment({ owner, repo, ref: 'stg', environment: 'stg', auto_merge: false, required_contexts: [] });
    assert.equal(skipped.status, 201);
  });

  it('auto-merges the default branch into a branch that is behind it (202), as GitHub does by default', async () => {
    await github.seed.commitFiles(fullName, 'feature', { 'f.yaml': 'f\n' }, { from: 'main' });
    await github.seed.commitFiles(fullName, 'main', { 'm.yaml': 'm\n' });
    const merged = await agent.rest.repos.createDeployment({ owner, repo, ref: 'feature', environment: 'qa', required_contexts: [] });
    assert.equal(merged.status, 202);
    const branch = await agent.rest.repos.getBranch({ owner, repo, branch: 'feature' });
    assert.equal(branch.data.commit.parents.length, 2);
    const now = await agent.rest.repos.createDeployment({ owner, repo, ref: 'feature', environment: 'qa', required_contexts: [] });
    assert.equal(now.status, 201);
    assert.equal((await rejection(agent.rest.repos.createDeployment({ owner, repo, ref: 'no-such-ref' }))).status, 422);
  });

  it('answered every call within GitHub\'s OpenAPI description', () => github.contract.assertClean());
});
