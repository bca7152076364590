import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { startAppHarness, type AppHarness } from '../support/app-harness.js';
import { ManualClock } from '../support/manual-clock.js';

/**
 * `POST /api/ladder/agent-token` answers anyone on the internet, and must
 * read GitHub (which installation holds the repository, its services.yml)
 * before it can verify a token against the issuer the file names. Its
 * budgets: a malformed token costs no GitHub request, a repository's reading
 * is reused (until a push to its default branch), and each client address
 * has a token bucket, answered past it with 429 and Retry-After.
 */
describe('App: the agent-token route spends GitHub requests only within its budgets', () => {
  const clock = new ManualClock(new Date());
  const manifestRepo = 'shop/checkout-manifests';
  let harness: AppHarness;
  let addresses = 1;
  /** A client address of its own (127.0.0.0/8 is all loopback), so one test's requests do not spend another's bucket. */
  const newClient = () => `127.0.0.${++addresses}`;

  before(async () => {
    harness = await startAppHarness({ clock, agentTokenBudget: { burst: 5, perMinute: 6 } });
    await harness.createService();
    await harness.settled();
  });

  after(() => harness.stop());

  function ask(from: string, token: string, repository = manifestRepo): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; message: string }> {
    const url = new URL('/api/ladder/agent-token', harness.appUrl);
    const body = JSON.stringify({ repository });
    return new Promise((resolve, reject) => {
      const call = request(url, { method: 'POST', localAddress: from, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, message: String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { message?: string }).message) }));
      });
      call.on('error', reject);
      call.end(body);
    });
  }

  const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  /** Shaped like a service-account token, signed by no one. */
  const wellFormed = (claims: object = { iss: 'https://issuer.example', sub: 'system:serviceaccount:x:y', aud: ['ladder'] }) => `${segment({ alg: 'RS256', kid: 'k' })}.${segment(claims)}.${Buffer.from('not a signature').toString('base64url')}`;
  const githubRequests = (mark: number) => harness.github.requests.since(mark).length;

  it('a malformed token is refused from its shape alone: no GitHub request at all', async () => {
    const client = newClient();
    const mark = harness.github.requests.mark();
    const cases: [token: string, message: RegExp][] = [
      [`${wellFormed().slice(0, 100)}${'A'.repeat(9000)}`, /is 9\d{3} characters; a service-account token is at most 8192/],
      ['abc.def', /not a JSON Web Token \(three base64url segments/],
      ['abc.d+f.ghi', /not a JSON Web Token/],
      [`${segment({})}.${Buffer.from('{not json').toString('base64url')}.c2ln`, /payload is not JSON/],
      [wellFormed({ iss: 'https://issuer.example', sub: 'system:serviceaccount:x:y' }), /names no issuer \(iss\), subject \(sub\) or audience \(aud\)/],
    ];
    for (const [token, message] of cases) {
      const answer = await ask(client, token);
      assert.equal(answer.status, 401, answer.message);
      assert.match(answer.message, message);
    }
    assert.equal(githubRequests(mark), 0);
  });

  it('a well-formed stranger costs one reading of the repository, reused until a push to its default branch', async () => {
    let mark = harness.github.requests.mark();
    const first = await ask(newClient(), wellFormed());
    assert.equal(first.status, 403);
    assert.match(first.message, /no agent of shop\/checkout-manifests is system:serviceaccount:x:y of issuer https:\/\/issuer\.example/);
    const firstCost = githubRequests(mark);
    assert.ok(firstCost >= 1 && firstCost <= 3, `the first reading cost ${firstCost} requests: ${harness.github.requests.since(mark).map((r) => `${r.method} ${r.path}`).join(", ")}`);
    mark = harness.github.requests.mark();
    for (let index = 0; index < 20; index += 1) assert.equal((await ask(newClient(), wellFormed())).status, 403);
    assert.equal(githubRequests(mark), 0, '20 more strangers: the reading is reused');

    await harness.github.seed.commitFiles(manifestRepo, 'dev', { 'checkout/x.yaml': 'a: 1\n' });
    await harness.settled();
    mark = harness.github.requests.mark();
    await ask(newClient(), wellFormed());
    assert.equal(githubRequests(mark), 0, 'a push to an environment branch changes no grant');

    await harness.github.seed.commitFiles(manifestRepo, 'main', { 'README.md': 'grants changed\n' });
    await harness.settled();
    mark = harness.github.requests.mark();
    assert.equal((await ask(newClient(), wellFormed())).status, 403);
    assert.ok(githubRequests(mark) >= 1, 'a push to the default branch forgets the reading: services.yml is read again');

    clock.advance(60_000);
    mark = harness.github.requests.mark();
    await ask(newClient(), wellFormed());
    assert.ok(githubRequests(mark) >= 1, 'and so does its TTL');
  });

  it('one client past its bucket is answered 429 with Retry-After, costs nothing, and is served again once it earned a request back', async () => {
    const client = newClient();
    const repository = (index: number) => `shop/guess-${index}`;
    let mark = harness.github.requests.mark();
    for (let index = 0; index < 5; index += 1) assert.equal((await ask(client, wellFormed(), repository(index))).status, 403);
    const spent = githubRequests(mark);
    mark = harness.github.requests.mark();
    for (let index = 5; index < 50; index += 1) {
      const answer = await ask(client, wellFormed(), repository(index));
      assert.equal(answer.status, 429, answer.message);
      assert.equal(answer.headers['retry-after'], '10', 'six a minute: one every ten seconds');
    }
    assert.equal(githubRequests(mark), 0, '45 requests past the bucket: no GitHub request');
    assert.ok(spent <= 5 * 3, `5 guesses cost ${spent} requests`);
    assert.equal((await ask(newClient(), wellFormed())).status, 403, 'another client is not held back');
    clock.advance(10_000);
    assert.equal((await ask(client, wellFormed())).status, 403, 'ten seconds later: one more');
    assert.equal((await ask(client, wellFormed())).status, 429);
  });
});
