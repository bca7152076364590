import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { Octokit } from '@octokit/rest';
import { startGitHubServer, startWebhookReceiver, type GitHubServer, type WebhookReceiver } from '../../bed/github/index.js';
import { installationOctokit, type BedOctokit } from '../../bed/github/clients.js';

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

// Check suites (one per App and commit, rolled up from its runs) and the check_run and check_suite
// webhooks: created and completed reach every App that reads checks, rerequested and requested only
// the App that owns the run or suite; an App hears only the events it subscribes to.
describe('GitHub server: check suites and the check_run and check_suite webhooks', () => {
  const owner = 'shop';
  const repo = 'checked';
  let github: GitHubServer;
  let ladder: BedOctokit;
  let ci: Octokit;
  let ciApp: { id: number; slug: string };
  let ladderHooks: WebhookReceiver;
  let ciHooks: WebhookReceiver;

  const events = (hooks: WebhookReceiver) => hooks.received.map((h) => `${h.event}.${String(h.payload.action ?? '')}`);

  before(async () => {
    github = await startGitHubServer({ deliveries: { inOrder: 'compares the sequence of events each App hears' } });
    [ladderHooks, ciHooks] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
    github.webhooks.url = ladderHooks.url;
    await github.createRepo(`${owner}/${repo}`);
    ciApp = await github.registerApp({ slug: 'smoke-ci', events: ['check_suite', 'check_run', 'push'], permissions: { checks: 'write', contents: 'read' }, webhookUrl: ciHooks.url });
    const installationId = github.installations.install(owner, { appId: ciApp.id });
    const key = github.apps().find((a) => a.id === ciApp.id)!.privateKey;
    ci = new (Octokit.plugin(retry))({ baseUrl: github.url, authStrategy: createAppAuth, auth: { appId: ciApp.id, privateKey: key, installationId }, log: quiet });
    ladder = installationOctokit(github, `${owner}/${repo}`);
  });

  after(async () => {
    await github.stop();
    await Promise.all([ladderHooks.close(), ciHooks.close()]);
  });

  it('makes a suite for the App\'s first run on a commit and rolls its runs up into it', async () => {
    const sha = await github.seed.commitFiles(`${owner}/${repo}`, 'main', { 'a.txt': 'a\n' }, { silent: true });
    const first = await ladder.rest.checks.create({ owner, repo, name: 'ladder/validate', head_sha: sha, status: 'in_progress' });
    const second = await ladder.rest.checks.create({ owner, repo, name: 'ladder/promote (dev)', head_sha: sha, status: 'completed', conclusion: 'neutral' });
    assert.equal(first.data.check_suite?.id, second.data.check_suite?.id, 'one suite per App and commit');
    const suiteId = first.data.check_suite!.id;
    assert.deepEqual([(await ladder.rest.checks.getSuite({ owner, repo, check_suite_id: suiteId })).data.status], ['in_progress']);
    await ladder.rest.checks.update({ owner, repo, check_run_id: first.data.id, status: 'completed', conclusion: 'success' });
    const { data: suite } = await ladder.rest.checks.getSuite({ owner, repo, check_suite_id: suiteId });
    assert.deepEqual([suite.status, suite.conclusion, suite.latest_check_runs_count, suite.app?.slug, suite.head_commit.id], ['completed', 'success', 2, github.app.slug, sha]);
    const listed = await ladder.rest.checks.listSuitesForRef({ owner, repo, ref: sha, app_id: github.app.id });
    assert.deepEqual(listed.data.check_suites.map((s) => s.id), [suiteId]);
    const runs = await ladder.rest.checks.listForSuite({ owner, repo, check_suite_id: suiteId });
    assert.deepEqual(runs.data.check_runs.map((r) => r.name).sort(), ['ladder/promote (dev)', 'ladder/validate']);
    assert.equal(first.data.details_url, 'https://github.com/ladder-gitops/ladder', 'no details_url: the App\'s homepage');
    await github.webhooks.settled();
    assert.deepEqual(events(ladderHooks), ['check_run.created', 'check_run.created', 'check_run.completed', 'check_run.completed']);
    const completed = ladderHooks.received.find((h) => h.event === 'check_run' && h.payload.action === 'completed' && (h.payload.check_run as { name: string }).name === 'ladder/validate');
    assert.deepEqual((completed?.payload.check_run as { check_suite: { id: number; head_sha: string } }).check_suite.head_sha, sha);
    github.contract.assertClean();
  });

  it('asks an App subscribed to check_suite for a suite on each push, and tells it when the suite completes', async () => {
    const before = { ladder: ladderHooks.received.length, ci: ciHooks.received.length };
    const sha = await github.seed.commitFiles(`${owner}/${repo}`, 'main', { 'b.txt': 'b\n' });
    await github.webhooks.settled();
    assert.deepEqual(events(ciHooks).slice(before.ci), ['push.', 'check_suite.requested']);
    const requested = ciHooks.received.at(-1)!.payload.check_suite as { id: number; head_branch: string; after: string; status: string };
    assert.deepEqual([requested.head_branch, requested.after, requested.status], ['main', sha, 'queued']);

    const run = await ci.rest.checks.create({ owner, repo, name: 'smoke', head_sha: sha, status: 'completed', conclusion: 'failure' });
    assert.equal(run.data.check_suite?.id, requested.id, 'the run joins the suite the push made');
    await github.webhooks.settled();
    assert.deepEqual(events(ciHooks).slice(before.ci + 2), ['check_run.created', 'check_run.completed', 'check_suite.completed']);
    assert.equal((ciHooks.received.at(-1)!.payload.check_suite as { conclusion: string }).conclusion, 'failure');
    // Ladder reads checks: it hears the CI App's runs, but it subscribes to neither check_suite nor anything of the CI App's.
    assert.deepEqual(events(ladderHooks).slice(before.ladder), ['push.', 'check_run.created', 'check_run.completed']);
    github.contract.assertClean();
  });

  it('re-requests a run and a suite: reset to queued, and only the owning App is asked', async () => {
    const sha = await github.seed.commitFiles(`${owner}/${repo}`, 'main', { 'c.txt': 'c\n' }, { silent: true });
    const run = await ci.rest.checks.create({ owner, repo, name: 'smoke', head_sha: sha, status: 'completed', conclusion: 'success' });
    await github.webhooks.settled();
    const before = { ladder: ladderHooks.received.length, ci: ciHooks.received.length };
    assert.equal((await ladder.rest.checks.rerequestRun({ owner, repo, check_run_id: run.data.id })).status, 201);
    const { data: again } = await ci.rest.checks.get({ owner, repo, check_run_id: run.data.id });
    assert.deepEqual([again.status, again.conclusion], ['queued', null]);
    assert.equal((await ci.rest.checks.getSuite({ owner, repo, check_suite_id: run.data.check_suite!.id })).data.status, 'queued');
    await ladder.rest.checks.rerequestSuite({ owner, repo, check_suite_id: run.data.check_suite!.id });
    await github.webhooks.settled();
    assert.deepEqual(events(ciHooks).slice(before.ci), ['check_run.rerequested', 'check_suite.rerequested']);
    assert.deepEqual(events(ladderHooks).slice(before.ladder), [], 'not Ladder\'s run');
    github.contract.assertClean();
  });
});
