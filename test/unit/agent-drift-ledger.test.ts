import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommitStatuses, CommitStatusInput } from '../../src/adapters/github/port.js';
import type { DriftIncident } from '../../src/core/alerts/types.js';
import { createDriftLedger, describeIncident, driftContext } from '../../src/agent/reporting/drift-ledger.js';

const commit = 'a'.repeat(40);
const incident = (name: string, extra: Partial<DriftIncident> = {}): DriftIncident => ({
  id: `i-${name}`, environment: 'prd', commit, object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name }, kind: 'changed',
  changes: [{ path: 'data.level', desired: 'info', live: 'debug' }], openedAt: new Date('2026-12-05T07:12:03.456Z'), observedAt: new Date('2026-12-05T07:12:03.456Z'), revision: 1, ...extra,
});

function fakeStatuses() {
  const written: Array<{ sha: string } & CommitStatusInput> = [];
  const reads: string[] = [];
  const statuses: CommitStatuses = {
    async latest(sha) {
      reads.push(sha);
      const latest = new Map<string, { state: string; description: string; targetUrl?: string }>();
      for (const s of [...written].reverse()) if (s.sha === sha && !latest.has(s.context)) latest.set(s.context, { state: s.state, description: s.description, ...(s.targetUrl ? { targetUrl: s.targetUrl } : {}) });
      return latest;
    },
    async set(sha, list) {
      for (const s of list) written.push({ sha, ...s });
      return list.map((s) => s.context);
    },
  };
  return { statuses, written, reads };
}

describe('drift ledger (ladder/drift statuses)', () => {
  it('records an open incident as failure with its thread and since when, finds it again, and not once resolved', async () => {
    const { statuses, written, reads } = fakeStatuses();
    const ledger = createDriftLedger(statuses, 'prd/london');
    const open = incident('checkout');
    assert.equal(await ledger.openThread(open), undefined);
    await ledger.record(open, 'https://team.slack.com/archives/C1/p1700000000000100');
    assert.equal(written[0]!.context, 'ladder/drift: prd/london ConfigMap shop/checkout');
    assert.equal(written[0]!.context, driftContext('prd/london', open.object));
    assert.equal(written[0]!.state, 'failure');
    assert.equal(written[0]!.description, 'Drifted since 2026-12-05T07:12:03Z: 1 field (data.level)');
    const found = await ledger.openThread({ ...open, id: 'other', openedAt: new Date() });
    assert.deepEqual(found, { link: 'https://team.slack.com/archives/C1/p1700000000000100', openedAt: new Date('2026-12-05T07:12:03Z') });
    assert.equal(reads.length, 1, 'the statuses of a commit are read once and kept');
    await ledger.record({ ...open, resolvedAt: new Date('2026-12-05T07:20:00Z'), resolution: 'fixed' }, 'https://team.slack.com/archives/C1/p1700000000000100');
    assert.equal(written[1]!.state, 'success');
    assert.equal(written[1]!.description, 'Resolved 2026-12-05T07:20:00Z (fixed); drifted since 2026-12-05T07:12:03Z');
    assert.equal(await ledger.openThread(open), undefined);
  });

  it('keeps the description within GitHub\'s 140 characters', () => {
    const many = incident('x', { changes: Array.from({ length: 30 }, (_, i) => ({ path: `data.key-number-${i}` })) });
    assert.ok(describeIncident(many).length <= 140);
    assert.ok(describeIncident(many).endsWith('…'));
  });

  it('writes at most 20 statuses at once and 20 a minute after: a drift storm does not spend the rate limit the polls need', async () => {
    const { statuses, written } = fakeStatuses();
    let now = 0;
    const warnings: unknown[] = [];
    const ledger = createDriftLedger(statuses, 'prd', { warn: (...a: unknown[]) => void warnings.push(a) } as never, () => now);
    for (let i = 0; i < 50; i++) await ledger.record(incident(`cm-${i}`), undefined);
    assert.equal(written.length, 20);
    assert.equal(warnings.length, 1, 'said once, not per incident');
    now += 30_000;
    for (let i = 50; i < 70; i++) await ledger.record(incident(`cm-${i}`), undefined);
    assert.equal(written.length, 30, 'ten more after half a minute');
  });

  it('never throws: a GitHub error is logged, the alert has gone out already', async () => {
    const warnings: unknown[] = [];
    const failing: CommitStatuses = { latest: () => Promise.reject(new Error('HTTP 502')), set: () => Promise.reject(new Error('HTTP 502')) };
    const ledger = createDriftLedger(failing, 'prd', { warn: (...a: unknown[]) => void warnings.push(a) } as never);
    assert.equal(await ledger.openThread(incident('a')), undefined);
    await ledger.record(incident('a'), undefined);
    assert.equal(warnings.length, 2);
  });
});
