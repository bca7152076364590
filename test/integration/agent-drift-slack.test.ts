// Drift from the real kube-apiserver to the local Slack receiver: a hand edit
// becomes one Block Kit message naming the field, the values and the manager,
// with a "resolved" reply after the fix; a Secret's value never reaches Slack.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { type KubeClient } from '../../src/adapters/kube/client.js';
import { createSlackNotifier } from '../../src/adapters/slack/index.js';
import { DriftWatcher } from '../../src/agent/drift/watcher.js';
import type { ControlPlane } from '../bed/kube/control-plane.js';
import { useControlPlane } from '../support/control-plane.js';
import { startSlackReceiver, type SlackReceiver } from '../bed/slack/index.js';
import { applyAll, editLikeKubectl, mergePatch } from '../fixtures/drift/bed.js';
import { deploymentManifest, secretManifest, secretValue } from '../fixtures/drift/manifests.js';
import { ManualClock } from '../support/manual-clock.js';

const commit = '0f1e2d3c4b5a69788796a5b4c3d2e1f001234567';
let cluster: ControlPlane;
let client: KubeClient;
let slack: SlackReceiver;
useControlPlane(
  async (plane) => {
    ({ cluster, client } = plane);
    slack = await startSlackReceiver();
  },
  { beforeStop: async () => slack?.stop() },
);

it('a hand edit makes one Slack message with field, values and manager, and a resolved reply after the fix; Secret values never leave', async () => {
  const namespace = await cluster.newNamespace('slack');
  // The notifier's pacing runs on a manual clock so the test need not wait out the minute.
  const clock = new ManualClock(new Date());
  const logs: unknown[] = [];
  const log = { info: (...a: unknown[]) => logs.push(a), warn: (...a: unknown[]) => logs.push(a), debug: () => {} } as never;
  const notifier = createSlackNotifier({ token: slack.token, channel: 'ladder-alerts', apiUrl: slack.url }, { clock, repository: 'shop/manifests', log });
  const watcher = new DriftWatcher({ client, sink: notifier, environment: 'prd', log });
  const files = { Deployment: 'prd/checkout/deployment.yaml', Secret: 'prd/checkout/secret.yaml' } as Record<string, string>;
  await watcher.setDesired(commit, await applyAll(client, [deploymentManifest(namespace), secretManifest(namespace)], { file: (o) => files[String(o.kind)]! }));
  await watcher.start();
  try {
    const path = `/apis/apps/v1/namespaces/${namespace}/deployments/checkout`;
    await editLikeKubectl(client, path, (o) => (o.spec.template.spec.containers[0].env[0].value = 'debug'));
    const alert = await slack.waitForMessage((m) => m.text?.startsWith('Drift in prd: Deployment') ?? false);
    const blocks = JSON.stringify(alert.blocks);
    for (const expected of ['spec.template.spec.containers[name=app].env[name=LOG_LEVEL].value', '`info` → `debug`', 'kubectl-edit', `https://github.com/shop/manifests/blob/${commit}/prd/checkout/deployment.yaml`]) {
      assert.ok(blocks.includes(expected), `missing ${expected} in ${blocks}`);
    }

    // Someone edits the Secret by hand.
    const secretPath = `/api/v1/namespaces/${namespace}/secrets/checkout-db`;
    await mergePatch(client, secretPath, { data: { password: Buffer.from('typed-by-hand').toString('base64') } }, 'kubectl-edit');
    const secretAlert = await slack.waitForMessage((m) => m.text?.startsWith('Drift in prd: Secret') ?? false);
    assert.match(JSON.stringify(secretAlert.blocks), /data\.password/);

    // The fix: the env value back as in Git.
    await editLikeKubectl(client, path, (o) => (o.spec.template.spec.containers[0].env[0].value = 'info'));
    await waitFor(() => watcher.driftedCount() === 1, 'the Deployment incident to resolve');
    // The resolved reply goes out at once: the one-message-a-minute pacing does not hold it (the clock does not move).
    // The reply, not the alert itself, which is edited to "Resolved drift" at the same moment and then carries its own ts as thread_ts.
    const resolved = await slack.waitForMessage((m) => m.thread_ts === alert.ts && m.ts !== alert.ts && (m.text?.startsWith('Resolved') ?? false));
    assert.match(resolved.text!, /matches Git again \(it was fixed\)/);
    assert.equal(slack.thread('ladder-alerts', alert.ts).length, 2, 'the alert and its resolved reply');
    assert.equal(slack.messages('ladder-alerts').filter((m) => m.text?.includes('Deployment')).length, 1, 'one message for the incident');
    assert.deepEqual(slack.violations, []);

    const everything = JSON.stringify([slack.messages(), slack.thread('ladder-alerts', secretAlert.ts), slack.violations, logs]);
    for (const secret of [secretValue, Buffer.from(secretValue).toString('base64'), 'typed-by-hand', Buffer.from('typed-by-hand').toString('base64')]) {
      assert.equal(everything.includes(secret), false, `${secret} reached Slack or the log`);
    }
    assert.equal(everything.includes(slack.token), false, 'the token is never logged');
  } finally {
    await watcher.stop();
    await notifier.close();
  }
});

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
