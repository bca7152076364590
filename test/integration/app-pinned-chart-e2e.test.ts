// Issue 15, item 1: a service whose chart the manifest repository pins in .ladder/services.yml,
// fetched by the App from the bed's OCI registry (token auth) with the App's registry credentials,
// promoted dev → stg like any service; a pin the registry does not match is refused at the
// services file's key; and services.yml restricts the renderer a code repository may ask for.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { createChartFetcher } from '../../src/adapters/registry/chart-fetcher.js';
import { installationOctokit } from '../bed/github/index.js';
import { startRegistry, type Registry } from '../bed/registry/index.js';
import { grantingServicesFile, type AppHarness } from '../support/app-harness.js';
import { checkRunsOf } from '../support/app-promotion.js';
import { checkoutChart, packageChart } from '../support/charts.js';
import { environmentLines } from '../support/github-service.js';
import { branchSha, pullsInto, repoParams, reportDeployment, tryMergeAs } from '../support/promotion-fixtures.js';
import { useAppHarnessWithTools } from '../support/renderers/fixtures.js';

/** A code config that renders with the chart its manifest repository pins: only values, no chart of its own. */
const pinnedConfig = (service: string) =>
  [
    `service: ${service}`,
    `image: registry.example.com/shop/${service}`,
    'manifests:',
    `  repo: shop/${service}-manifests`,
    '  render: helm',
    '  helm: {}',
    ...environmentLines(service),
    'values:',
    '  default:',
    '    securityContext: { runAsNonRoot: true, runAsUser: 10001, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }',
    '    podSecurityContext: { seccompProfile: { type: RuntimeDefault } }',
    '    resources: { requests: { cpu: 50m, memory: 64Mi }, limits: { memory: 128Mi } }',
    '  stg:',
    '    replicaCount: 2',
    '',
  ].join('\n');

/** The grant the config asks for, with `render` added to its service. */
function servicesWith(codeRepo: string, config: string, render: unknown): string {
  const file = parse(grantingServicesFile([codeRepo, config])) as { services: Record<string, Record<string, unknown>> };
  for (const grant of Object.values(file.services)) grant['render'] = render;
  return stringify(file);
}

async function fileOn(harness: AppHarness, repo: string, path: string, ref: string): Promise<string> {
  const { data } = await installationOctokit(harness.github, repo).rest.repos.getContent({ ...repoParams(repo), path, ref });
  return Buffer.from((data as { content: string }).content, 'base64').toString('utf8');
}

describe('end to end: a chart pinned in .ladder/services.yml, fetched from an OCI registry', () => {
  let registry: Registry;
  let elsewhere: Registry;
  let pushed: { digest: string };

  const harness = useAppHarnessWithTools({ options: async () => {
    registry = await startRegistry({ auth: { scheme: 'bearer', users: { ladder: 'pull-token' } } });
    elsewhere = await startRegistry({ auth: { scheme: 'bearer', users: { ladder: 'other-token' } } });
    pushed = registry.pushChart('charts/checkout', checkoutChart.version, await packageChart(checkoutChart.dir));
    // The App's registry credentials (LADDER_REGISTRY_AUTH_FILE) name both registries.
    const credentials = new Map([
      [registry.host, { username: 'ladder', password: 'pull-token' }],
      [elsewhere.host, { username: 'ladder', password: 'other-token' }],
    ]);
    return { charts: createChartFetcher({ credentials, plainHttp: new Set([registry.host, elsewhere.host]) }) };
  }, afterStop: () => Promise.all([registry?.stop(), elsewhere?.stop()]) });

  it('renders the pinned chart with the code config’s values and promotes it dev → stg; credentials went to the pinned registry only', async () => {
    const config = pinnedConfig('payments');
    const pin = { oci: `oci://${registry.host}/charts/checkout`, version: checkoutChart.version, digest: pushed.digest };
    const repos = await harness.createService({ service: 'payments', config, services: servicesWith('shop/payments', config, { helm: { chart: pin } }) });
    const code = await harness.mergePullRequest(repos.codeRepo, { files: { 'README.md': 'payments\n' } });
    await harness.settled();

    const [devPull] = await pullsInto(harness.github, repos.manifestRepo, 'dev', 'all');
    assert.ok(devPull?.merged_at, `dev promoted and merged; App warnings:\n${harness.logs.filter((line) => /"level":(40|50)/.test(line)).join('\n')}`);
    const devYaml = await fileOn(harness, repos.manifestRepo, 'deployment-payments-checkout.yaml', 'dev');
    assert.match(devYaml, new RegExp(`image: registry\\.example\\.com/shop/payments:${code.mergeSha}\n`), "the commit's image, through the chart's values");
    assert.match(devYaml, /helm\.sh\/chart: checkout-0\.1\.0/, 'rendered from the pinned chart');
    assert.match(devYaml, /runAsUser: 10001/, "the code config's values");

    await reportDeployment(harness.github, repos.manifestRepo, { environment: 'dev', sha: await branchSha(harness.github, repos.manifestRepo, 'dev'), state: 'success' });
    await harness.settled();
    const [stgPull] = await pullsInto(harness.github, repos.manifestRepo, 'stg');
    assert.ok(stgPull, 'stg promotion PR opened');
    assert.equal((await tryMergeAs(harness.github, 'dev', repos.manifestRepo, stgPull.number)).status, 200);
    const stgYaml = await fileOn(harness, repos.manifestRepo, 'deployment-payments-checkout.yaml', 'stg');
    assert.match(stgYaml, /replicas: 2\n/);
    assert.match(stgYaml, /namespace: payments-stg\n/);

    assert.ok(registry.auth!.tokenRequests.length > 0 && registry.auth!.tokenRequests.every((request) => request.user === 'ladder' && request.scope === 'repository:charts/checkout:pull' && request.status === 200));
    assert.deepEqual(elsewhere.requests, [], 'the other registry, whose credentials the App also holds, heard nothing');
  });

  it('refuses a pin the registry does not match, on the code commit, naming the services file key and both digests', async () => {
    const config = pinnedConfig('ledger');
    const wrong = `sha256:${'e'.repeat(64)}`;
    const pin = { oci: `oci://${registry.host}/charts/checkout`, version: checkoutChart.version, digest: wrong };
    const repos = await harness.createService({ service: 'ledger', config, services: servicesWith('shop/ledger', config, { helm: { chart: pin } }) });
    const merged = await harness.mergePullRequest(repos.codeRepo, { files: { 'README.md': 'ledger\n' } });
    await harness.settled();
    const failed = (await checkRunsOf(harness, repos.codeRepo, merged.mergeSha)).filter((run) => run.conclusion === 'failure');
    assert.equal(failed.length, 1, JSON.stringify(failed.map((run) => run.output.title)));
    assert.equal(failed[0]!.output.title, 'Rendering for dev failed');
    const summary = failed[0]!.output.summary ?? '';
    assert.ok(summary.includes('shop/ledger-manifests: .ladder/services.yml (services.ledger.render.helm.chart.digest)'), summary);
    assert.ok(summary.includes(`has digest ${pushed.digest}, but the pin is ${wrong}`), summary);
    assert.equal((await pullsInto(harness.github, repos.manifestRepo, 'dev', 'all')).length, 0, 'nothing is promoted');
  });

  it("refuses a renderer services.yml does not allow, at the code config's key, naming both files", async () => {
    const config = pinnedConfig('orders').replace('  render: helm\n  helm: {}\n', '  render: kustomize\n  kustomize: { root: deploy }\n').replace(/values:[^]*$/, '');
    const repos = await harness.createService({ service: 'orders', config, services: servicesWith('shop/orders', config, { renderers: ['helm'] }) });
    const merged = await harness.mergePullRequest(repos.codeRepo, { files: { 'README.md': 'orders\n' } });
    await harness.settled();
    const failed = (await checkRunsOf(harness, repos.codeRepo, merged.mergeSha)).filter((run) => run.conclusion === 'failure');
    assert.equal(failed.length, 1, JSON.stringify(failed.map((run) => run.output.title)));
    const text = `${failed[0]!.output.summary ?? ''}\n${failed[0]!.output.text ?? ''}`;
    assert.ok(text.includes('.github/ladder.yml'), text);
    assert.ok(text.includes("render: kustomize is not allowed for orders: shop/orders-manifests's .ladder/services.yml allows helm (services.orders.render.renderers)"), text);
    assert.equal((await pullsInto(harness.github, repos.manifestRepo, 'dev', 'all')).length, 0, 'nothing is promoted');
  });
});
