import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packReplies, refusalReply, truncateForComment } from '../../src/core/commands/replies.js';

describe('command replies', () => {
  it('a refusal names who may run the command', () => {
    const open = { repo: 'shop/checkout', users: [], teams: [], restricted: false };
    assert.equal(
      refusalReply('ana', '/ladder lock stg x', 'stg', open, 'no-write-access'),
      'Sorry @ana, I did not run `/ladder lock stg x`: you do not have write access to `shop/checkout`. Commands for `stg` need write access to `shop/checkout`. Nothing was changed.',
    );
    const prd = { repo: 'shop/checkout', users: ['lead', 'cto'], teams: ['shop/release'], restricted: true };
    assert.match(refusalReply('ana', '/ladder rollback prd', 'prd', prd, 'not-a-commenter'), /you are not one of `prd`'s commenters\. Commands for `prd` need write access to `shop\/checkout` and being `@lead`, `@cto` or a member of `@shop\/release`\./);
    const empty = { repo: 'shop/checkout', users: [], teams: [], restricted: true };
    assert.match(refusalReply('ana', '/ladder promote prd', 'prd', empty, 'not-a-commenter'), /limited to the environment's `commenters`, and that list is empty/);
    assert.match(refusalReply('ana', '/ladder diff', undefined, open, 'no-write-access'), /Commands need write access to `shop\/checkout`\./);
    // Without access to the manifest repository, the names on its commenter lists are not the commenter's to read.
    assert.equal(
      refusalReply('mallory', '/ladder unlock prd', 'prd', prd, 'no-write-access'),
      "Sorry @mallory, I did not run `/ladder unlock prd`: you do not have write access to `shop/checkout`. Commands for `prd` need write access to `shop/checkout` and being one of the environment's `commenters`. Nothing was changed.",
    );
  });

  it('cuts long text at a line break with a note, within the limit', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n');
    const cut = truncateForComment(text, 200, 'more elsewhere');
    assert.ok(cut.length <= 200, String(cut.length));
    assert.match(cut, /^line 0\n/);
    assert.match(cut, /\n… \(more elsewhere\)$/);
    assert.ok(cut.split('\n').slice(0, -1).every((line) => /^line \d+$/.test(line)), 'no line is cut in half');
    assert.equal(truncateForComment('short', 200), 'short');
  });

  it('packs sections into as few comments as fit, in order', () => {
    assert.deepEqual(packReplies(['a', 'b']), ['a\n\n---\n\nb']);
    const big = 'x'.repeat(60);
    const packed = packReplies([big, big, 'tail'], 130);
    assert.deepEqual(packed, [`${big}\n\n---\n\n${big}`, 'tail']);
    assert.ok(packReplies(['y'.repeat(500)], 100)[0]!.length <= 100, 'a section over the limit is truncated');
    assert.deepEqual(packReplies([]), []);
  });
});
