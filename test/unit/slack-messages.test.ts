// Every Slack message Ladder builds is valid Block Kit (checked with the test
// bed's validator, without a server) and says what it is about.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deployFailedMessage,
  driftMessage,
  driftResolvedReply,
  driftUpdateReply,
  manifestUrl,
  sourceRecoveredMessage,
  sourceUnreachableMessage,
} from '../../src/adapters/slack/index.js';
import { validateBlocks } from '../bed/slack/index.js';
import { commit, imageIncident } from '../fixtures/drift/incidents.js';

const links = { repository: 'shop/manifests' };
const at = new Date('2026-01-05T10:01:00Z');

function valid(message: { text: string; blocks: unknown[] }): string {
  assert.deepEqual(validateBlocks(message.blocks), []);
  assert.ok(message.text.length > 0 && message.text.length <= 3000);
  return JSON.stringify(message.blocks);
}

describe('drift messages', () => {
  it('show status by state: drifted, healed, heal failed, deleted, resolved', () => {
    const cases: Array<[Parameters<typeof imageIncident>[0], RegExp]> = [
      [{}, /Drifted/],
      [{ selfHeal: { ok: true, at } }, /Healed by Ladder[\s\S]*re-applied the object from Git at 2026-01-05 10:01:00 UTC/],
      [{ selfHeal: { ok: false, at, message: 'admission webhook "x" denied the request' } }, /Self-heal failed\* at 2026-01-05 10:01:00 UTC: admission webhook/],
      [{ kind: 'deleted', changes: [] }, /Deleted[\s\S]*gone from the cluster/],
      [{ resolvedAt: at, resolution: 'fixed' }, /Resolved drift[\s\S]*:white_check_mark: Resolved/],
    ];
    for (const [overrides, expected] of cases) assert.match(valid(driftMessage(imageIncident(overrides), links)), expected);
  });

  it('names a writer without a time by when the change was seen, and an inferred one as probable', () => {
    const incident = imageIncident({
      changes: [
        { path: 'spec.replicas', desired: 2, live: 5, changedBy: { manager: 'kubectl', operation: 'Update', subresource: 'scale' } },
        { path: 'metadata.labels.team', desired: 'shop', missing: true, changedBy: { manager: 'kubectl-label', operation: 'Update', time: '2026-01-05T09:59:00Z', inferred: true } },
        { path: 'data.x', masked: true },
      ],
    });
    const blocks = valid(driftMessage(incident, links));
    assert.match(blocks, /by \*`kubectl`\* \(Update, scale\) seen 2026-01-05 10:00:00 UTC/);
    assert.match(blocks, /`shop` → _\(removed\)_ — probably by \*`kubectl-label`\*/);
    assert.match(blocks, /`data.x`: changed \(value hidden\) — by an unknown writer/);
  });

  it('replies with the change and with the resolution', () => {
    assert.match(valid(driftUpdateReply(imageIncident({ revision: 2 }))), /Drift changed on Deployment shop-prd\/checkout/);
    assert.match(valid(driftResolvedReply(imageIncident({ resolvedAt: at, resolution: 'healed' }))), /matches Git again: Ladder re-applied it/);
    assert.match(driftResolvedReply(imageIncident({ resolvedAt: at, resolution: 'superseded' })).text, /a new commit was applied/);
  });

  it('links the manifest file at the applied commit, percent-encoding the path', () => {
    assert.equal(manifestUrl({ commit, file: 'prd/check out/deployment.yaml' }, { repository: 'shop/manifests', baseUrl: 'https://ghe.example.com/' }), `https://ghe.example.com/shop/manifests/blob/${commit}/prd/check%20out/deployment.yaml`);
    assert.equal(manifestUrl({ commit, file: 'x.yaml' }, {}), undefined);
  });
});

describe('operations messages', () => {
  it('deploy failure, source unreachable and recovered are valid and say where', () => {
    const failure = { environment: 'stg', commit, message: 'timeout', failures: [{ file: 'a.yaml', message: 'bad' }], at };
    assert.match(valid(deployFailedMessage(failure, links)), /Deploy failed: stg[\s\S]*`a.yaml`: bad/);
    const source = { environment: 'stg', repository: 'shop/manifests', branch: 'env/stg', at };
    assert.match(valid(sourceUnreachableMessage({ ...source, error: 'HTTP 503' })), /cannot read `shop\/manifests@env\/stg`[\s\S]*Nothing applied yet[\s\S]*HTTP 503/);
    assert.match(valid(sourceRecoveredMessage(source, new Date('2026-01-05T09:31:00Z'))), /again for `stg` after 30 min/);
  });
});
