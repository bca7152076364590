// Charts pinned in .ladder/services.yml, fetched by the App's chart fetcher from the test bed's OCI
// registry (with its token service) and from a Helm chart repository over loopback: the chart
// `helm package` made of Helm's `helm create` chart, verified against the pin before anything else.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createChartFetcher } from '../../src/adapters/registry/chart-fetcher.js';
import { LadderInputError } from '../../src/core/errors.js';
import type { PinnedChart } from '../../src/core/services/effective.js';
import type { ChartPin } from '../../src/core/services/schema.js';
import { startChartRepo, type ChartRepo } from '../bed/chart-repo/index.js';
import { startRegistry, type Registry } from '../bed/registry/index.js';
import { checkoutChart, packageChart, tarGz } from '../support/charts.js';

const file = 'shop/checkout-manifests: .ladder/services.yml';
const key = 'services.checkout.render.helm.chart';
const pinned = (pin: ChartPin): PinnedChart => ({ pin, file, key });
const users = { ladder: 'pull-secret', other: 'other-secret' };

async function refusal(promise: Promise<unknown>): Promise<LadderInputError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  assert.ok(error instanceof LadderInputError, `expected a located refusal, got ${String(error)}`);
  return error;
}

describe('chart fetcher: pinned charts from the pinned source only, verified before Helm sees them', () => {
  let archive: Buffer;
  let registry: Registry;
  let elsewhere: Registry;
  let repo: ChartRepo;
  let otherRepo: ChartRepo;
  let credentials: Map<string, { username: string; password: string }>;
  let plainHttp: Set<string>;

  before(async () => {
    archive = await packageChart(checkoutChart.dir);
    registry = await startRegistry({ auth: { scheme: 'bearer', users: { ladder: users.ladder } } });
    elsewhere = await startRegistry({ auth: { scheme: 'bearer', users: { other: users.other } } });
    repo = await startChartRepo({ users: { ladder: users.ladder } });
    otherRepo = await startChartRepo();
    // The App holds credentials for every host; each must go to its own host only.
    credentials = new Map([
      [registry.host, { username: 'ladder', password: users.ladder }],
      [elsewhere.host, { username: 'other', password: users.other }],
      [repo.host, { username: 'ladder', password: users.ladder }],
      [otherRepo.host, { username: 'other', password: users.other }],
    ]);
    plainHttp = new Set([registry.host, elsewhere.host, repo.host, otherRepo.host]);
  });
  after(async () => {
    await Promise.all([registry?.stop(), elsewhere?.stop(), repo?.stop(), otherRepo?.stop()]);
  });

  it('fetches an OCI chart by its manifest digest, with the credentials of that registry alone', async () => {
    const pushed = registry.pushChart('charts/checkout', checkoutChart.version, archive);
    elsewhere.pushChart('charts/checkout', checkoutChart.version, archive);
    const fetcher = createChartFetcher({ credentials, plainHttp });
    const tree = await fetcher.fetch(pinned({ oci: `oci://${registry.host}/charts/checkout`, version: checkoutChart.version, digest: pushed.digest }));
    assert.equal(tree.root, `oci://${registry.host}/charts/checkout:0.1.0`);
    assert.deepEqual(tree.files.map((f) => f.path).sort().slice(0, 3), ['.helmignore', 'Chart.yaml', 'templates/NOTES.txt']);
    assert.ok(tree.files.some((f) => f.path === 'templates/deployment.yaml'));
    // The token came with the pinned registry's credentials; the other registry heard nothing.
    assert.deepEqual(registry.auth!.tokenRequests.map((r) => [r.user, r.scope, r.status]), [['ladder', 'repository:charts/checkout:pull', 200]]);
    assert.deepEqual(elsewhere.requests, []);
    assert.deepEqual(registry.requests.filter((r) => r.status === 200).map((r) => [r.path.replace(/sha256:\w+/, 'sha256:…'), r.authorization]), [
      ['/token?service=ladder-bed-registry&scope=repository%3Acharts%2Fcheckout%3Apull', 'basic'],
      ['/v2/charts/checkout/manifests/0.1.0', 'bearer'],
      ['/v2/charts/checkout/blobs/sha256:…', 'bearer'],
    ]);
  });

  it('refuses an OCI chart whose manifest is not the pinned digest, naming the key and both digests, before fetching the chart', async () => {
    const pushed = registry.pushChart('charts/moved', checkoutChart.version, archive);
    const wrong = `sha256:${'0'.repeat(64)}`;
    const before = registry.requests.length;
    const error = await refusal(createChartFetcher({ credentials, plainHttp }).fetch(pinned({ oci: `oci://${registry.host}/charts/moved`, version: '0.1.0', digest: wrong })));
    assert.deepEqual(error.location, { file, key: `${key}.digest` });
    assert.ok(error.message.includes(`has digest ${pushed.digest}, but the pin is ${wrong}`), error.message);
    assert.match(error.message, /^shop\/checkout-manifests: \.ladder\/services\.yml \(services\.checkout\.render\.helm\.chart\.digest\): the manifest of oci:/);
    assert.ok(!registry.requests.slice(before).some((r) => r.path.includes('/blobs/')), 'no chart layer fetched');
  });

  it('refuses a chart layer past the archive budget by the size its manifest declares, without fetching it', async () => {
    const huge = tarGz([{ name: 'checkout/Chart.yaml', content: 'name: checkout\nversion: 0.1.0\n' }, { name: 'checkout/files/blob', content: randomBytes(5 * 1024 * 1024) }]);
    const pushed = registry.pushChart('charts/huge', '0.1.0', huge);
    const before = registry.requests.length;
    const error = await refusal(createChartFetcher({ credentials, plainHttp }).fetch(pinned({ oci: `oci://${registry.host}/charts/huge`, version: '0.1.0', digest: pushed.digest })));
    assert.match(error.message, /the chart archive is 51\d\d KiB; Ladder fetches at most 4096 KiB/);
    assert.ok(!registry.requests.slice(before).some((r) => r.path.includes('/blobs/')));
  });

  it('refuses a chart whose Chart.yaml is not the pinned version', async () => {
    const pushed = registry.pushChart('charts/checkout', '0.2.0', archive);
    const error = await refusal(createChartFetcher({ credentials, plainHttp }).fetch(pinned({ oci: `oci://${registry.host}/charts/checkout`, version: '0.2.0', digest: pushed.digest })));
    assert.deepEqual(error.location, { file, key: `${key}.version` });
    assert.match(error.message, /Chart\.yaml says version 0\.1\.0, not 0\.2\.0/);
  });

  it('fetches from a chart repository by the archive sha256 the index holds, with Basic credentials for that host only', async () => {
    const digest = repo.addChart('checkout', '0.1.0', archive);
    const tree = await createChartFetcher({ credentials, plainHttp }).fetch(pinned({ repo: repo.url, name: 'checkout', version: '0.1.0', digest }));
    assert.ok(tree.files.some((f) => f.path === 'templates/deployment.yaml'));
    assert.deepEqual(repo.requests.map((r) => [r.path, r.status, r.user]), [['/index.yaml', 200, 'ladder'], ['/charts/checkout-0.1.0.tgz', 200, 'ladder']]);
  });

  it('refuses a chart repository whose index puts the chart on another host, which hears nothing', async () => {
    otherRepo.addChart('checkout', '0.1.0', archive);
    const digest = repo.addChart('checkout', '0.3.0', archive, { url: `${otherRepo.url}/charts/checkout-0.1.0.tgz` });
    const error = await refusal(createChartFetcher({ credentials, plainHttp }).fetch(pinned({ repo: repo.url, name: 'checkout', version: '0.3.0', digest })));
    assert.deepEqual(error.location, { file, key: `${key}.repo` });
    assert.ok(error.message.includes(`puts checkout 0.3.0 at ${otherRepo.url}, not on the pinned repository's host ${repo.url}`), error.message);
    assert.deepEqual(otherRepo.requests, []);
  });

  it("refuses a repository archive that is not the pinned sha256, and a plain-HTTP repository the App was not told to trust", async () => {
    repo.addChart('checkout', '0.4.0', archive);
    const wrong = `sha256:${'1'.repeat(64)}`;
    const mismatch = await refusal(createChartFetcher({ credentials, plainHttp }).fetch(pinned({ repo: repo.url, name: 'checkout', version: '0.4.0', digest: wrong })));
    assert.deepEqual(mismatch.location, { file, key: `${key}.digest` });
    assert.match(mismatch.message, new RegExp(`has digest sha256:[0-9a-f]{64}, but the pin is ${wrong}`));
    const before = repo.requests.length;
    const plain = await refusal(createChartFetcher({ credentials }).fetch(pinned({ repo: repo.url, name: 'checkout', version: '0.4.0', digest: wrong })));
    assert.match(plain.message, /is not HTTPS; Ladder fetches charts over plain HTTP only from hosts listed in LADDER_REGISTRY_PLAIN_HTTP/);
    assert.equal(repo.requests.length, before, 'nothing was sent');
  });

  it('follows no redirect off the pinned origin: the other host hears nothing, and gets no credentials', async () => {
    const digest = repo.addChart('checkout', '0.5.0', archive);
    repo.redirect('/charts/checkout-0.5.0.tgz', `${otherRepo.url}/charts/checkout-0.1.0.tgz`);
    const before = otherRepo.requests.length;
    const error = await refusal(createChartFetcher({ credentials, plainHttp }).fetch(pinned({ repo: repo.url, name: 'checkout', version: '0.5.0', digest })));
    assert.deepEqual(error.location, { file, key: `${key}.repo` });
    assert.ok(error.message.includes(`the archive of checkout 0.5.0 is at ${otherRepo.url}, not at the pinned source ${repo.url}`), error.message);
    assert.equal(otherRepo.requests.length, before);
  });
});
