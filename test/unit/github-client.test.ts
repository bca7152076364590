import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeGitHubError, isUnprocessable } from '../../src/adapters/github/errors.js';
import { rateLimitWait } from '../../src/adapters/github/client.js';
import { formatRepo, parseRepo, sameRepo } from '../../src/adapters/github/types.js';

function requestError(status: number, message: string, headers: Record<string, string> = {}, data?: unknown) {
  return Object.assign(new Error(message), {
    status,
    response: { headers, data },
    request: { method: 'POST', url: 'https://api.github.com/repos/shop/x/git/refs', headers: { authorization: 'token ghs_secret' } },
  });
}

describe('GitHub client helpers', () => {
  it('waits out secondary rate limits (403 with the message, or 429), using retry-after, at most five minutes', () => {
    assert.equal(rateLimitWait(requestError(403, 'You have exceeded a secondary rate limit. Please wait', { 'retry-after': '3' })), 3);
    assert.equal(rateLimitWait(requestError(429, 'Too many requests')), 60, 'a minute without retry-after');
    assert.equal(rateLimitWait(requestError(403, 'You have exceeded a secondary rate limit', { 'retry-after': '9999' })), 300);
    assert.equal(rateLimitWait(requestError(403, 'Resource not accessible by integration')), undefined);
    assert.equal(rateLimitWait(requestError(502, 'Server Error')), undefined, '5xx is @octokit/plugin-retry\'s job');
  });

  it('describes a failed call by status, method and path, never its headers', () => {
    const text = describeGitHubError(requestError(422, 'Reference already exists', {}, { message: 'Reference already exists' }));
    assert.equal(text, 'GitHub answered 422 to POST /repos/shop/x/git/refs: Reference already exists');
    assert.doesNotMatch(text, /ghs_/);
    assert.ok(isUnprocessable(requestError(422, 'Validation Failed', {}, { errors: [{ message: 'A pull request already exists for shop:x.' }] }), /already exists/));
  });

  it('reads and writes owner/name', () => {
    assert.deepEqual(parseRepo('shop/checkout-manifests'), { owner: 'shop', repo: 'checkout-manifests' });
    assert.equal(formatRepo(parseRepo(' acme/.github ')), 'acme/.github');
    assert.throws(() => parseRepo('checkout'), /owner\/name/);
    assert.ok(sameRepo(parseRepo('Shop/Checkout'), parseRepo('shop/checkout')));
  });
});
