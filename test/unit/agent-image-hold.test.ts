import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CommitStatuses } from '../../src/adapters/github/port.js';
import { imageStatusHold } from '../../src/agent/source/image-hold.js';

const sha = (c: string) => c.repeat(40);

function fakeGitHub(statuses: Record<string, Record<string, { state: string; description: string }>>, parents: Record<string, string[]>) {
  const reads: string[] = [];
  const store: CommitStatuses = {
    latest: async (commit) => {
      reads.push(`status ${commit[0]}`);
      return new Map(Object.entries(statuses[commit] ?? {}));
    },
    set: async () => assert.fail('the agent never writes statuses'),
  };
  const repo = {
    readCommit: async (commit: string) => {
      reads.push(`commit ${commit[0]}`);
      return { sha: commit, tree: sha('0'), parents: parents[commit] ?? [], message: '' };
    },
  };
  return { hold: imageStatusHold(store, repo), reads };
}

describe("the agent's image hold (waitForImage)", () => {
  it('applies a commit whose own ladder/image status is success, holds one whose status is not', async () => {
    const { hold } = fakeGitHub({ [sha('a')]: { 'ladder/image': { state: 'success', description: 'In the registry' } }, [sha('b')]: { 'ladder/image': { state: 'pending', description: 'Waiting for the image to be pushed: x:1' } } }, {});
    assert.deepEqual(await hold.check(sha('a')), { apply: true });
    assert.deepEqual(await hold.check(sha('b')), { apply: false, reason: 'Not applied: ladder/image is pending: Waiting for the image to be pushed: x:1' });
  });

  it("reads a merge commit's merged head (not the branch's previous state), and remembers where it found it", async () => {
    const merge = sha('m');
    const { hold, reads } = fakeGitHub(
      { [sha('p')]: { 'ladder/image': { state: 'success', description: 'old' } }, [sha('h')]: { 'ladder/image': { state: 'failure', description: 'The registry refused: …' } } },
      { [merge]: [sha('p'), sha('h')] },
    );
    assert.deepEqual(await hold.check(merge), { apply: false, reason: 'Not applied: ladder/image is failure: The registry refused: …' });
    assert.deepEqual(reads, ['status m', 'commit m', 'status h']);
    reads.length = 0;
    await hold.check(merge);
    assert.deepEqual(reads, ['status m', 'status h'], 'the commit is not read again');
  });

  it('holds a commit with no ladder/image status anywhere, and says so', async () => {
    const { hold } = fakeGitHub({}, { [sha('s')]: [sha('p')] });
    assert.deepEqual(await hold.check(sha('s')), { apply: false, reason: `Not applied: no ladder/image status on ${'s'.repeat(12)} (merged without Ladder's image gate?)` });
  });
});
