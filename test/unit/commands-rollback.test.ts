import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findVersion, rollbackCandidates, type HistoryEntry } from '../../src/core/commands/rollback-history.js';
import { rollbackCommitMessage, rollbackPullRequestBody, type RollbackPlan } from '../../src/core/commands/rollback-text.js';
import { parseTrailers, type LadderTrailers } from '../../src/core/promotion/trailers.js';

const code = (n: number) => n.toString(16).padStart(2, '0').repeat(20); // 40 hex
const manifest = (n: number) => `m${n}`.padEnd(40, '0');

function version(n: number, source: number, extra: Partial<LadderTrailers> = {}, service = 'checkout'): HistoryEntry {
  return {
    sha: manifest(n),
    trailers: { service, environment: 'prd', sourceRepo: 'shop/checkout', sourceSha: code(source), image: `registry/checkout:${code(source)}`, ...extra },
  };
}
const merge = (n: number): HistoryEntry => ({ sha: manifest(n) });
const sources = (history: HistoryEntry[]) => rollbackCandidates(history, 'checkout').map((v) => v.trailers.sourceSha);

describe('rollback: which earlier versions qualify', () => {
  it('newest first, skipping the current source, merges without trailers and other services', () => {
    const history = [merge(9), version(8, 3), version(7, 99, {}, 'cart'), merge(6), version(5, 2), version(4, 3), version(3, 1)];
    assert.deepEqual(sources(history), [code(2), code(1)]);
  });

  it('skips versions a newer commit lists in Ladder-Supersedes', () => {
    const history = [version(3, 3, { supersedes: [code(2)] }), version(2, 2), version(1, 1)];
    assert.deepEqual(sources(history), [code(1)]);
  });

  it('after a rollback, the undone versions are skipped: rolling back twice goes further back', () => {
    // v1, v2, v3 (bad), then a rollback to v2: the next rollback goes to v1, not back to v3.
    const history = [version(4, 2, { kind: 'rollback' }), version(3, 3), version(2, 2), version(1, 1)];
    assert.deepEqual(sources(history), [code(1)]);
    // A promotion after the rollback: the rollback's version is a candidate, v3 still undone.
    const later = [version(5, 4), ...history];
    assert.deepEqual(sources(later), [code(2), code(1)]);
  });

  it('nothing to go back to on a fresh branch', () => {
    assert.deepEqual(sources([version(1, 1)]), []);
    assert.deepEqual(sources([merge(1)]), []);
  });
});

describe('rollback: finding the version a sha names', () => {
  const history = [merge(9), version(8, 0xab), version(5, 0xcd), version(3, 0xce)];
  it('a manifest commit wins; a merge resolves to the Ladder commit below it', () => {
    const found = findVersion(history, 'checkout', manifest(9).slice(0, 7));
    assert.ok(found && 'version' in found);
    assert.equal(found.match, 'manifest');
    assert.equal(found.version.sha, manifest(9), 'the content restored is the named commit');
    assert.equal(found.version.trailers.sourceSha, code(0xab));
  });

  it('a code commit, full or abbreviated', () => {
    const found = findVersion(history, 'checkout', code(0xcd).slice(0, 8).toUpperCase());
    assert.ok(found && 'version' in found);
    assert.deepEqual([found.match, found.version.sha], ['code', manifest(5)]);
  });

  it('an ambiguous abbreviation or an unknown sha', () => {
    const twins = [version(2, 0, { sourceSha: `abcdef1${'0'.repeat(33)}` }), version(1, 0, { sourceSha: `abcdef1${'1'.repeat(33)}` })];
    assert.deepEqual(findVersion(twins, 'checkout', 'abcdef1'), { ambiguous: [`abcdef1${'0'.repeat(33)}`, `abcdef1${'1'.repeat(33)}`] });
    assert.equal(findVersion(history, 'checkout', 'fffffff'), undefined);
  });
});

describe('rollback: commit message and pull request body', () => {
  const plan: RollbackPlan = {
    service: 'checkout',
    environment: 'prd',
    branch: 'prd',
    fromCommit: manifest(5),
    restored: version(5, 2).trailers!,
    current: version(8, 3).trailers!,
    path: 'checkout',
    requestedBy: 'rita',
    why: 'the last successful deployment',
  };

  it('carries rollback trailers with the restored source and image, in the commit and in the body', () => {
    for (const text of [rollbackCommitMessage(plan), rollbackPullRequestBody(plan)]) {
      assert.deepEqual(parseTrailers(text), {
        service: 'checkout',
        environment: 'prd',
        sourceRepo: 'shop/checkout',
        sourceSha: code(2),
        image: `registry/checkout:${code(2)}`,
        kind: 'rollback',
      });
    }
    assert.match(rollbackCommitMessage(plan), /^Roll back checkout on prd to 0202020\n/);
    assert.match(rollbackPullRequestBody(plan), /@rita asked for this/);
    assert.match(rollbackPullRequestBody(plan), /\| now \| `shop\/checkout@0303030` \|/);
  });
});
