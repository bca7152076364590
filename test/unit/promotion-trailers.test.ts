import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePromotionBranch, promotionBranch, rollbackBranch } from '../../src/core/promotion/branch.js';
import { formatTrailers, parseTrailers, trailersComment, type LadderTrailers } from '../../src/core/promotion/trailers.js';

const sha = (c: string) => c.repeat(40);
const full: LadderTrailers = {
  service: 'checkout',
  environment: 'dev',
  sourceRepo: 'shop/checkout',
  sourceSha: sha('a'),
  image: `registry.example.com/shop/checkout:${sha('a')}@sha256:${'0'.repeat(64)}`,
  supersedes: [sha('b'), sha('c')],
  kind: 'rollback',
};

describe('promotion trailers', () => {
  it('round-trips through a commit message, with and without the optional keys', () => {
    const message = `Promote checkout to dev\n\nRendered from shop/checkout.\n\n${formatTrailers(full)}\n`;
    assert.deepEqual(parseTrailers(message), full);
    const minimal: LadderTrailers = { service: 'cart', environment: 'prd', sourceRepo: 'shop/cart', sourceSha: sha('d'), image: 'r.example/cart:dddd' };
    assert.equal(formatTrailers(minimal).split('\n').length, 4);
    assert.deepEqual(parseTrailers(formatTrailers(minimal)), minimal);
    assert.doesNotMatch(formatTrailers({ ...minimal, kind: 'promotion' }), /Ladder-Kind/, 'promotion is the default and not written');
  });

  it('is found inside the HTML comment at the end of a PR body', () => {
    const body = `## Promote\n\nsome text\n\n${trailersComment(full)}\n`;
    assert.match(body, /<!-- ladder:promotion\nLadder-Service: checkout\n[\s\S]*\n-->/);
    assert.deepEqual(parseTrailers(body), full);
  });

  it('is undefined for messages without the four required trailers or with a malformed source', () => {
    assert.equal(parseTrailers('Merge pull request #3 from shop/feature'), undefined);
    assert.equal(parseTrailers(formatTrailers(full).replace(/Ladder-Image: .*\n/, '')), undefined);
    assert.equal(parseTrailers(formatTrailers(full).replace(`@${sha('a')}`, '@abc')), undefined);
    assert.equal(parseTrailers(formatTrailers(full).replace('shop/checkout@', 'checkout@')), undefined);
  });

  it('is undefined when a value is not of the shape Ladder writes (so none can end the PR body\'s HTML comment)', () => {
    assert.equal(parseTrailers(formatTrailers({ ...full, image: 'registry.example.com/x:1 --> **hi** <!--' })), undefined);
    assert.equal(parseTrailers(formatTrailers({ ...full, service: 'check out' })), undefined);
    assert.equal(parseTrailers(formatTrailers({ ...full, environment: '<b>prd</b>' })), undefined);
    assert.equal(parseTrailers(formatTrailers({ ...full, sourceRepo: 'sh@p/checkout' })), undefined);
    assert.deepEqual(parseTrailers(formatTrailers({ ...full, image: 'localhost:5000/shop/check_out:v1.2-rc.1' }))?.image, 'localhost:5000/shop/check_out:v1.2-rc.1');
  });

  it('ignores superseded values that are not commit SHAs, and an unknown kind', () => {
    const text = formatTrailers(full).replace(`${sha('b')},${sha('c')}`, `${sha('b')}, nonsense`).replace('rollback', 'sideways');
    const parsed = parseTrailers(text);
    assert.deepEqual(parsed?.supersedes, [sha('b')]);
    assert.equal(parsed?.kind, undefined);
  });
});

describe('promotion branches', () => {
  it('names one branch per service and environment, and a rollback branch beside it', () => {
    assert.equal(promotionBranch('checkout', 'prd'), 'ladder/checkout/prd');
    assert.equal(rollbackBranch('checkout', 'prd'), 'ladder/checkout/prd-rollback');
    assert.deepEqual(parsePromotionBranch('ladder/checkout/prd'), { service: 'checkout', environment: 'prd' });
    assert.equal(parsePromotionBranch('ladder/checkout/prd-rollback'), undefined);
    assert.equal(parsePromotionBranch('feature/x'), undefined);
  });
});
