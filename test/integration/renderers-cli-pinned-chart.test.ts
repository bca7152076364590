// `ladder render --services` for a helm service whose chart the manifest repository pins: the CLI
// fetches it from the bed's OCI registry (token auth) with the credentials of LADDER_REGISTRY_AUTH_FILE,
// verified against the pin as the App does, and renders it; a digest the registry does not match is
// refused at the services file's key, and a chart of the code repository's own is refused beside a pin.
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { startRegistry, type Registry } from '../bed/registry/index.js';
import { grantingServicesFile } from '../support/app-harness.js';
import { checkoutChart, packageChart } from '../support/charts.js';
import { ladderYml, scratchRepo, sha, toolEnv } from '../support/renderers/fixtures.js';
import { runLadder } from '../unit/cli-run.js';

const password = 'pull-secret';
const values = `values:
  default:
    securityContext: { runAsNonRoot: true, runAsUser: 10001 }
  prd:
    replicaCount: 3
`;

describe('ladder render --services: a chart pinned in .ladder/services.yml', () => {
  let registry: Registry;
  let repo: string;
  let env: Record<string, string>;
  let pinnedDigest: string;
  const config = () => join(repo, '.github/ladder.yml');

  /** The grant of the scratch repository's config, with the chart pinned at `digest`. */
  async function writeServices(name: string, digest: string): Promise<string> {
    const text = grantingServicesFile(['shop/checkout', ladderYml('render: helm\nhelm: {}', values)]);
    const file = parse(text) as { services: Record<string, Record<string, unknown>> };
    file.services['checkout']!['render'] = { helm: { chart: { oci: `oci://${registry.host}/charts/checkout`, version: checkoutChart.version, digest } } };
    const path = join(repo, name);
    await writeFile(path, stringify(file));
    return path;
  }

  before(async () => {
    registry = await startRegistry({ auth: { scheme: 'bearer', users: { ladder: password } } });
    pinnedDigest = registry.pushChart('charts/checkout', checkoutChart.version, await packageChart(checkoutChart.dir)).digest;
    repo = await scratchRepo({ '.github/ladder.yml': ladderYml('render: helm\nhelm: {}', values) });
    const authFile = join(repo, 'auth.json');
    await writeFile(authFile, JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`ladder:${password}`).toString('base64') } } }));
    env = { ...toolEnv(), LADDER_REGISTRY_AUTH_FILE: authFile, LADDER_REGISTRY_PLAIN_HTTP: registry.host };
  });
  after(async () => {
    await registry?.stop();
    if (repo) await rm(repo, { recursive: true, force: true });
  });

  it('fetches the pinned chart with the registry credentials and renders it with the config values and the commit image', async () => {
    const services = await writeServices('services.yml', pinnedDigest);
    const [dev, prd] = await Promise.all(['dev', 'prd'].map((name) => runLadder(['render', '--config', config(), '--env', name, '--sha', sha, '--services', services], { env, cwd: repo })));
    for (const result of [dev!, prd!]) assert.equal(result.code, 0, result.stderr);
    assert.match(dev!.stderr, new RegExp(`^Fetching the chart oci://${registry.host}/charts/checkout 0\\.1\\.0 pinned in .*services\\.yml \\(services\\.checkout\\.render\\.helm\\.chart\\)$`, 'm'));
    assert.match(dev!.stdout, /helm\.sh\/chart: checkout-0\.1\.0/, 'rendered from the pinned chart');
    assert.match(dev!.stdout, new RegExp(`image: "?registry\\.example\\.com/shop/checkout:${sha}"?`));
    assert.match(dev!.stdout, /namespace: shop-dev/);
    assert.match(prd!.stdout, /replicas: 3/, "prd's values");
    // The token was asked for with the file's credentials, for pulling that repository only.
    assert.ok(registry.auth!.tokenRequests.some((r) => r.user === 'ladder' && r.scope === 'repository:charts/checkout:pull' && r.status === 200));
  });

  it('refuses a pin whose digest the registry does not have, at the key in the services file, writing nothing', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    const services = await writeServices('services-wrong.yml', wrong);
    const result = await runLadder(['render', '--config', config(), '--env', 'dev', '--sha', sha, '--services', services], { env, cwd: repo });
    assert.equal(result.code, 1, result.stderr);
    assert.ok(result.stderr.includes('(services.checkout.render.helm.chart.digest)'), result.stderr);
    assert.ok(result.stderr.includes(`has digest ${pinnedDigest}, but the pin is ${wrong}`), result.stderr);
    assert.equal(result.stdout, '');
  });

  it('without --services, names the missing chart and how to render the pinned one', async () => {
    const result = await runLadder(['render', '--config', config(), '--env', 'dev', '--sha', sha], { env, cwd: repo });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /\.github\/ladder\.yml \(manifests\.helm\.chart\): names no chart directory: .*pass --services/);
  });

  it("refuses the code repository's own chart where the services file pins one, as the App does", async () => {
    const own = await scratchRepo({ '.github/ladder.yml': ladderYml('render: helm\nhelm:\n  chart: chart', values) }, { chart: 'helm/checkout' });
    try {
      const services = await writeServices('services-own.yml', pinnedDigest);
      const before = registry.requests.length;
      const result = await runLadder(['render', '--config', join(own, '.github/ladder.yml'), '--env', 'dev', '--sha', sha, '--services', services], { env, cwd: own });
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /\(manifests\.helm\.chart\): .*pins the chart of checkout \(services\.checkout\.render\.helm\.chart: oci:\/\/.* 0\.1\.0\); the code repository's chart 'chart' may not replace it/);
      assert.equal(registry.requests.length, before, 'nothing fetched');
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });
});
