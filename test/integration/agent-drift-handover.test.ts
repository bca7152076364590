// Drift incidents survive a leader change (issue 16): the leader records each open incident as a
// ladder/drift status on the deployed commit, linking to its Slack thread; the next leader finds it
// through the GitHub port (only the agent's own statuses count) and goes on in the same thread, with
// reminders while the drift lasts and the "resolved" reply as soon as it is fixed. Real kube-apiserver,
// the local GitHub server and the Slack receiver; each "leader" is a drift watcher and a notifier of
// its own, sharing nothing but GitHub and Slack, as two agent processes do.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeClient, KubeObject } from '../../src/adapters/kube/client.js';
import { createSlackNotifier } from '../../src/adapters/slack/index.js';
import { parseThreadLink } from '../../src/adapters/slack/transport.js';
import { DriftWatcher } from '../../src/agent/drift/watcher.js';
import { createDriftLedger, driftContext } from '../../src/agent/reporting/drift-ledger.js';
import { connectAgentGitHub } from '../../src/agent/wiring/github.js';
import { startGitHubServer, userOctokit, type GitHubServer } from '../bed/github/index.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { startSlackReceiver, type SlackReceiver } from '../bed/slack/index.js';
import { applyAll, mergePatch } from '../fixtures/drift/bed.js';
import { eventually, testLogger } from '../support/agent/log.js';
import { useControlPlane } from '../support/control-plane.js';
import { ManualClock } from '../support/manual-clock.js';

let cluster: ControlPlane;
let client: KubeClient;
let github: GitHubServer;
let slack: SlackReceiver;
let keyPath: string;
useControlPlane((plane) => ({ cluster, client } = plane));
before(async () => {
  github = await startGitHubServer();
  slack = await startSlackReceiver({ channels: ['ladder-alerts'] });
  keyPath = join(await mkdtemp(join(tmpdir(), 'ladder-drift-handover-')), 'app.pem');
  await writeFile(keyPath, github.app.privateKey);
});
after(async () => {
  await slack?.stop();
  await github?.stop();
});

const configMap = (namespace: string, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { level: 'info' } });

/** One leader's drift side: its own watcher, notifier (on a manual clock) and GitHub connection. */
async function leader(repo: string, clock: ManualClock) {
  const gh = await connectAgentGitHub({ apiUrl: github.url, appId: github.app.id, installationId: github.installations.idFor(repo), privateKeyPath: keyPath }, {}, repo);
  const [owner, name] = repo.split('/') as [string, string];
  const ledger = createDriftLedger(gh.statuses({ owner, repo: name }), 'prd', testLogger());
  const log = testLogger();
  const notifier = createSlackNotifier({ token: slack.token, channel: 'ladder-alerts', apiUrl: slack.url }, { clock, repository: repo, log, ledger, reminderIntervalMs: 60 * 60_000 });
  const watcher = new DriftWatcher({ client, sink: notifier, environment: 'prd', log });
  return {
    watcher,
    notifier,
    async stop() {
      await watcher.stop();
      await notifier.flush();
      await notifier.close();
    },
  };
}

async function setUp(slug: string) {
  const repo = `shop/${slug}`;
  await github.createRepo(repo);
  github.setPermission(repo, 'reader', 'read');
  github.setPermission(repo, 'repo-admin', 'write');
  const commit = await github.seed.commitFiles(repo, 'prd', { 'manifests/cm.yaml': 'kind: ConfigMap\n' }, { from: 'main', silent: true });
  const namespace = await cluster.newNamespace(slug);
  const applied = await applyAll(client, [configMap(namespace, 'checkout')], { file: () => 'manifests/cm.yaml' });
  const statuses = async () => (await userOctokit(github, 'reader').rest.repos.listCommitStatusesForRef({ owner: 'shop', repo: slug, ref: commit })).data;
  return { repo, commit, namespace, applied, statuses, path: `/api/v1/namespaces/${namespace}/configmaps/checkout` };
}

describe('drift incidents across a leader change', () => {
  it('the next leader continues the same Slack thread, reminds while the drift lasts, and says "resolved" at once', async () => {
    const { repo, commit, namespace, applied, statuses, path } = await setUp('handover');
    const clock = new ManualClock(new Date());
    const context = driftContext('prd', { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'checkout' });
    const isOurs = (m: { text?: string }) => (m.text ?? '').includes(`ConfigMap ${namespace}/checkout`);

    const first = await leader(repo, clock);
    await first.watcher.setDesired(commit, applied);
    await first.watcher.start();
    let alertTs: string;
    try {
      await mergePatch(client, path, { data: { level: 'debug' } }, 'kubectl-edit');
      const alert = await slack.waitForMessage((m) => !m.thread_ts && isOurs(m) && (m.text ?? '').startsWith('Drift in prd'));
      alertTs = alert.ts;
      // The open incident is on the deployed commit, linking to the thread, saying since when and what.
      const recorded = await eventually(async () => (await statuses()).find((s) => s.context === context), 'the ladder/drift status');
      assert.equal(recorded.state, 'failure');
      assert.equal(parseThreadLink(recorded.target_url ?? '')?.ts, alert.ts);
      assert.match(recorded.description ?? '', /^Drifted since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: 1 field \(data\.level\)$/);
    } finally {
      await first.stop(); // the leader goes away (its pod is replaced): the drift stays
    }

    const second = await leader(repo, clock);
    await second.watcher.setDesired(commit, applied);
    await second.watcher.start();
    try {
      // The new leader sees the same drift and continues the thread instead of opening another.
      const continued = await slack.waitForMessage((m) => m.thread_ts === alertTs && (m.text ?? '').startsWith('Still drifted: '));
      assert.match(continued.text!, /took over/);
      await second.notifier.flush();
      // Drift that lasts: a reminder an hour after the last message, saying how long (counted from the first leader's start).
      clock.advance(60 * 60_000);
      const reminder = await slack.waitForMessage((m) => m.thread_ts === alertTs && (m.text ?? '').startsWith('Still drifted after '));
      // An hour on the manual clock, less the real seconds between its start and the drift.
      assert.match(reminder.text!, /^Still drifted after (1 h|59 min|58 min): ConfigMap /);

      // The fix: "resolved" in the same thread within seconds, not at the next paced minute (the clock does not move).
      const fixedAt = Date.now();
      await mergePatch(client, path, { data: { level: 'info' } }, 'kubectl-edit');
      const resolved = await slack.waitForMessage((m) => m.thread_ts === alertTs && m.ts !== alertTs && (m.text ?? '').startsWith('Resolved: '), 10_000);
      assert.ok(Date.now() - fixedAt < 8000, `resolved after ${Date.now() - fixedAt} ms`);
      assert.match(resolved.text!, /matches Git again \(it was fixed\)/);
      await second.notifier.flush();
      const done = await eventually(async () => {
        const status = (await statuses()).find((s) => s.context === context);
        return status?.state === 'success' ? status : undefined;
      }, 'the ladder/drift status to say resolved');
      assert.match(done.description ?? '', /^Resolved .* \(fixed\); drifted since /);

      // One thread for the incident: one top-level message, its replies in order.
      assert.equal(slack.messages('ladder-alerts').filter((m) => !m.thread_ts || m.thread_ts === m.ts).filter(isOurs).length, 1, 'one top-level message for the incident');
      const thread = slack.thread('ladder-alerts', alertTs).map((m) => m.text ?? '');
      const expected = [/^Resolved drift in prd: /, /^Still drifted: /, /^Still drifted after /, /^Resolved: /];
      assert.equal(thread.length, expected.length, thread.join('\n'));
      thread.forEach((text, i) => assert.match(text, expected[i]!));
      assert.deepEqual(slack.violations, []);
    } finally {
      await second.stop();
    }
  });

  it('a ladder/drift status someone else wrote is not taken for the agent\'s own: the new leader opens its own thread', async () => {
    const { repo, commit, namespace, applied, path } = await setUp('handover-forged');
    const clock = new ManualClock(new Date());
    const context = driftContext('prd', { apiVersion: 'v1', kind: 'ConfigMap', namespace, name: 'checkout' });
    // A person with statuses: write points the incident at a thread of their choosing.
    await userOctokit(github, 'repo-admin').rest.repos.createCommitStatus({
      owner: 'shop', repo: 'handover-forged', sha: commit, context, state: 'failure',
      description: 'Drifted since 2020-01-01T00:00:00Z: 1 field (data.level)', target_url: 'https://ladder-test-bed.slack.com/archives/C0000000001/p1000000000000100',
    });
    const only = await leader(repo, clock);
    await only.watcher.setDesired(commit, applied);
    await only.watcher.start();
    try {
      await mergePatch(client, path, { data: { level: 'debug' } }, 'kubectl-edit');
      const alert = await slack.waitForMessage((m) => !m.thread_ts && (m.text ?? '').startsWith(`Drift in prd: ConfigMap ${namespace}/checkout`));
      assert.ok(alert.ts !== '1000000000.000100');
    } finally {
      await only.stop();
    }
  });
});
