import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseServices } from '../../src/core/services/load.js';
import { applyGrant, checkGrantedConfig, type GrantScope } from '../../src/core/services/effective.js';
import { grantFor, grantSnippet } from '../../src/core/services/snippet.js';
import { parseConfig } from '../../src/core/config/load.js';

/** The code config asks, `.ladder/services.yml` grants: every loosening is refused at its key, saying what to add where. */

const services = parseServices(
  `services:
  checkout:
    repository: shop/checkout
    path: checkout
    environments:
      dev:
        from: { branches: [main] }
        namespaces: [checkout-dev]
        autoMerge: true
        clusterScoped:
          - kind: ClusterRole
            names: [checkout-reader]
      stg:
        from: { environment: dev }
        namespaces: [checkout-stg]
      prd:
        from: { environment: stg }
        namespaces: [checkout, checkout-canary]
        commenters: { teams: [shop/release-managers] }
        exceptions:
          - rule: run-as-root
            reason: the payment SDK image runs as root until shop/checkout#212
            resources: [Deployment/checkout]
  cart:
    repository: shop/cart
    path: cart
    environments:
      dev:
        from: { branches: [main] }
        namespaces: [cart-dev]
`,
  '.ladder/services.yml',
);
const scope: GrantScope = { services, manifestRepo: 'shop/checkout-manifests', codeRepo: 'shop/checkout' };

const base = `service: checkout
image: registry.example.com/shop/checkout
manifests:
  repo: shop/checkout-manifests
environments:
  - name: dev
    from: { branch: main }
    namespace: checkout-dev
    autoMerge: true
  - name: stg
    from: { environment: dev }
    namespace: checkout-stg
    soak: 30m
  - name: prd
    from: { environment: stg }
    namespace: checkout
    commenters: { users: [alice] }
`;

/** The one problem a config edit causes, as `line:column key: message`. */
function refusal(text: string, within: GrantScope = scope): string[] {
  const result = checkGrantedConfig(text, within);
  assert.equal(result.ok, false, 'expected a refusal');
  return result.ok ? [] : result.problems.map((p) => `${p.line}:${p.column} ${p.key}: ${p.message}`);
}

const where = "shop/checkout-manifests's .ladder/services.yml";

describe('applying the manifest repository grant to a code config', () => {
  it('lets the legitimate config through, with the grant filled in', () => {
    const result = checkGrantedConfig(base, scope);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    const { config } = result;
    assert.equal(config.manifests.path, 'checkout', 'the folder comes from the grant');
    assert.deepEqual(config.environments.map((env) => [env.name, env.branch, env.autoMerge]), [['dev', 'dev', true], ['stg', 'stg', false], ['prd', 'prd', false]]);
    assert.deepEqual(config.environments[2]!.grant.commenters, [{ users: [], teams: ['shop/release-managers'] }, { users: ['alice'], teams: [] }], 'both rules apply');
    assert.deepEqual(config.environments[2]!.grant.exceptions, [], 'a granted exception the config does not ask for does not apply');
    assert.deepEqual(config.validation.disable, [], 'repository-wide exceptions are emptied: each environment carries its own');
  });

  it('refuses a repository the file grants nothing, and a service name that belongs to another', () => {
    assert.deepEqual(refusal(base, { ...scope, codeRepo: 'shop/attacker' }), [
      `1:10 service: service 'checkout' belongs to shop/checkout in ${where}, not to shop/attacker`,
    ]);
    assert.deepEqual(refusal(base.replace('service: checkout', 'service: billing'), { ...scope, codeRepo: 'shop/attacker' }), [
      `1:10 service: ${where} grants nothing to shop/attacker: add services.billing with repository: shop/attacker there (the check run shows the entry this config needs)`,
    ]);
    assert.deepEqual(refusal(base.replace('service: checkout', 'service: cart')), [
      `1:10 service: shop/checkout speaks for service 'checkout' in ${where}, not 'cart'; set service: checkout`,
    ]);
  });

  it("refuses another service's folder, and another manifest repository", () => {
    assert.deepEqual(refusal(base.replace('  repo: shop/checkout-manifests', '  repo: shop/checkout-manifests\n  path: cart')), [
      `5:9 manifests.path: is 'cart', but ${where} gives checkout the folder 'checkout' (services.checkout.path); remove manifests.path or make it 'checkout'`,
    ]);
    assert.deepEqual(refusal(base.replace('repo: shop/checkout-manifests', 'repo: shop/other-manifests')), [
      `4:9 manifests.repo: must be shop/checkout-manifests, whose .ladder/services.yml grants this service`,
    ]);
    assert.ok(checkGrantedConfig(base.replace('  repo: shop/checkout-manifests', '  repo: shop/checkout-manifests\n  path: checkout'), scope).ok, 'the granted folder, written out');
  });

  it('refuses an environment, a branch or a manifest branch it does not grant', () => {
    const feature = base.replace('    from: { branch: main }', '    from: { branch: feature-x }');
    assert.deepEqual(refusal(feature), [`7:21 environments[0].from.branch: branch 'feature-x' may not feed dev: in ${where} only 'main' may (services.checkout.environments.dev.from); add it there`]);
    const prdFromBranch = base.replace('    from: { environment: stg }', '    from: { branch: feature-x }');
    assert.deepEqual(refusal(prdFromBranch), [`15:21 environments[2].from.branch: branch 'feature-x' may not feed prd: in ${where} only promotion from 'stg' may (services.checkout.environments.prd.from); add it there`]);
    const skipStg = base.replace('    from: { environment: stg }', '    from: { environment: dev }');
    assert.deepEqual(refusal(skipStg), [`15:26 environments[2].from.environment: prd may not be promoted from 'dev': ${where} grants only promotion from 'stg' (services.checkout.environments.prd.from)`]);
    const qa = base.replace('  - name: stg', '  - name: qa\n    from: { branch: main }\n    namespace: checkout-dev\n  - name: stg');
    assert.deepEqual(refusal(qa), [`10:11 environments[1].name: ${where} grants checkout no environment 'qa' (it grants 'dev', 'stg', 'prd'); add services.checkout.environments.qa there`]);
    const otherBranch = base.replace('  - name: prd\n', '  - name: prd\n    branch: dev-copy\n');
    assert.deepEqual(refusal(otherBranch), [`15:13 environments[2].branch: is 'dev-copy', but ${where} puts prd on branch 'prd'; remove branch or make it 'prd'`]);
  });

  it('refuses a namespace and auto-merge it does not grant', () => {
    assert.deepEqual(refusal(base.replace('namespace: checkout\n', 'namespace: kube-system\n')), [
      `16:16 environments[2].namespace: 'kube-system' is not granted to checkout in prd (checkout, checkout-canary); add it to services.checkout.environments.prd.namespaces in ${where}`,
    ]);
    assert.ok(checkGrantedConfig(base.replace('namespace: checkout\n', 'namespace: checkout-canary\n'), scope).ok, 'any granted namespace');
    assert.deepEqual(refusal(base.replace('    namespace: checkout\n', '    namespace: checkout\n    autoMerge: true\n')), [
      `17:16 environments[2].autoMerge: prd may not merge by itself: ${where} does not grant it; set autoMerge: true under services.checkout.environments.prd there, or remove autoMerge here`,
    ]);
  });

  it('refuses self-granted policy exceptions and cluster-scoped kinds, and narrows granted ones to where they are granted', () => {
    const selfGranted = `${base}validation:\n  allowClusterScoped: [ClusterRoleBinding]\n  disable:\n    - rule: namespace-mismatch\n      reason: we need a ConfigMap in kube-system\n`;
    assert.deepEqual(refusal(selfGranted), [
      `19:24 validation.allowClusterScoped[0]: ClusterRoleBinding is granted to checkout in none of its environments; add { kind: ClusterRoleBinding, names: [...] } to services.checkout.environments.<environment>.clusterScoped in ${where}`,
      `21:13 validation.disable[0].rule: turning off 'namespace-mismatch' is granted to checkout in none of its environments; add it with its reason to services.checkout.environments.<environment>.exceptions in ${where}`,
    ]);
    const wider = `${base}validation:\n  disable:\n    - rule: run-as-root\n      reason: the payment SDK image runs as root\n      resources: [Deployment/checkout, Deployment/worker]\n`;
    assert.equal(refusal(wider).length, 1, 'an exception for more resources than granted');
    const asked = `${base}validation:\n  allowClusterScoped: [ClusterRole]\n  disable:\n    - rule: run-as-root\n      reason: the payment SDK image runs as root\n`;
    const result = checkGrantedConfig(asked, scope);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems));
    const [dev, stg, prd] = result.config.environments;
    assert.deepEqual(dev!.grant.clusterScoped, [{ kind: 'ClusterRole', names: ['checkout-reader'] }]);
    assert.deepEqual(prd!.grant.clusterScoped, [], 'prd grants no cluster-scoped kind');
    assert.deepEqual(prd!.grant.exceptions, [{ rule: 'run-as-root', reason: 'the payment SDK image runs as root until shop/checkout#212', resources: ['Deployment/checkout'] }], "the grant's resources and reason");
    assert.deepEqual(stg!.grant.exceptions, [], 'not granted in stg');
  });

  it('reports every loosening of one config at once, in file order', () => {
    const everything = base
      .replace('service: checkout', 'service: checkout')
      .replace('    from: { branch: main }', '    from: { branch: feature-x }')
      .replace('    namespace: checkout\n', '    namespace: kube-system\n    autoMerge: true\n');
    assert.deepEqual(refusal(everything).map((line) => line.split(' ')[1]), ['environments[0].from.branch:', 'environments[2].namespace:', 'environments[2].autoMerge:']);
  });

  it('applyGrant works on a parsed config too', () => {
    const result = applyGrant(parseConfig(base, '.github/ladder.yml'), scope);
    assert.ok(result.ok);
  });
});

describe('the entry a refusal shows', () => {
  it('grants exactly what the config asks, and is a valid services file', () => {
    const config = parseConfig(`${base}validation:\n  allowClusterScoped: [ClusterRole]\n`, '.github/ladder.yml');
    const snippet = grantSnippet(config, 'shop/checkout');
    const parsed = parseServices(snippet.replace('<name>', 'checkout-reader').replace('<name>', 'checkout-reader').replace('<name>', 'checkout-reader'), 'snippet');
    assert.deepEqual(Object.keys(parsed.services), ['checkout']);
    assert.deepEqual(parsed.services['checkout']!.environments['dev']!.from, { branches: ['main'] });
    assert.equal(parsed.services['checkout']!.path, 'checkout');
    const granted = checkGrantedConfig(`${base}validation:\n  allowClusterScoped: [ClusterRole]\n`, { ...scope, services: parsed });
    assert.ok(granted.ok, 'the suggested grant is enough');
    assert.deepEqual(grantFor(config, 'shop/checkout').grant.environments['prd']!.commenters, { users: ['alice'], teams: [] });
    assert.equal((parse(snippet) as { services: Record<string, { repository: string }> }).services['checkout']!.repository, 'shop/checkout');
  });
});

describe('the renderer the manifest repository allows (services.<name>.render)', () => {
  const digest = `sha256:${'c'.repeat(64)}`;
  const withRender = (render: string) => {
    const text = `services:\n  checkout:\n    repository: shop/checkout\n    path: checkout\n${render.replace(/^/gm, '    ')}\n    environments:\n      dev:\n        from: { branches: [main] }\n        namespaces: [checkout-dev]\n`;
    return { ...scope, services: parseServices(text, '.ladder/services.yml') };
  };
  const devOnly = base.slice(0, base.indexOf('  - name: stg')).replace('    autoMerge: true\n', '');
  const rendering = (manifests: string) => devOnly.replace('  repo: shop/checkout-manifests\n', `  repo: shop/checkout-manifests\n${manifests.replace(/^/gm, '  ')}\n`);

  it('refuses a renderer the grant does not list, naming both files', () => {
    const helmOnly = withRender('render: { renderers: [helm] }');
    assert.deepEqual(refusal(rendering('render: kustomize\nkustomize: { root: deploy }'), helmOnly), [
      `5:11 manifests.render: render: kustomize is not allowed for checkout: ${where} allows helm (services.checkout.render.renderers); use render: helm, or add kustomize there`,
    ]);
    assert.match(refusal(devOnly, helmOnly)[0]!, /manifests\.render: render: handlebars is not allowed for checkout/, 'the default renderer is held to the list too');
    assert.ok(checkGrantedConfig(rendering('render: helm\nhelm: { chart: deploy/chart }'), helmOnly).ok);
  });

  it("makes a pinned chart the service's chart, refusing the code repository's own and any other renderer", () => {
    const pin = `render:\n  helm:\n    chart: { oci: oci://registry.example.com/charts/checkout, version: 1.4.2, digest: "${digest}" }`;
    const granted = checkGrantedConfig(rendering('render: helm\nhelm: { releaseName: shop }'), withRender(pin));
    assert.ok(granted.ok, JSON.stringify(!granted.ok && granted.problems));
    assert.deepEqual(granted.config.manifests.chart, {
      pin: { oci: 'oci://registry.example.com/charts/checkout', version: '1.4.2', digest },
      file: 'shop/checkout-manifests: .ladder/services.yml',
      key: 'services.checkout.render.helm.chart',
    });
    assert.deepEqual(refusal(rendering('render: helm\nhelm: { chart: deploy/chart }'), withRender(pin)), [
      `6:18 manifests.helm.chart: ${where} pins the chart of checkout (services.checkout.render.helm.chart: oci://registry.example.com/charts/checkout 1.4.2); the code repository's chart 'deploy/chart' may not replace it: remove manifests.helm.chart`,
    ]);
    assert.deepEqual(refusal(rendering('render: kustomize\nkustomize: { root: deploy }'), withRender(pin)), [
      `5:11 manifests.render: render: kustomize is not allowed for checkout: ${where} allows helm (services.checkout.render.helm.chart pins a chart); use render: helm, or add kustomize there`,
    ]);
  });

  it('asks for a chart when the grant pins none and the code config names none', () => {
    assert.deepEqual(refusal(rendering('render: helm\nhelm: {}'), withRender('render: { renderers: [helm, kustomize] }')), [
      `6:9 manifests.helm: render: helm needs the chart: set manifests.helm.chart to its directory, e.g. deploy/chart, or pin a chart in ${where} (services.checkout.render.helm.chart)`,
    ]);
  });

  it('checks the pin itself: an OCI reference without a tag, an exact version and a sha256 digest', () => {
    const bad = (chart: string) => () => parseServices(`services:\n  checkout:\n    repository: shop/checkout\n    path: checkout\n    render: { helm: { chart: ${chart} } }\n    environments: {}\n`, '.ladder/services.yml');
    assert.throws(bad(`{ oci: "oci://registry.example.com/charts/checkout:1.4.2", version: 1.4.2, digest: "${digest}" }`), /without a tag or digest/);
    assert.throws(bad(`{ oci: oci://registry.example.com/charts/checkout, version: "^1.4", digest: "${digest}" }`), /exact SemVer version/);
    assert.throws(bad('{ repo: https://charts.example.com, name: checkout, version: 1.4.2, digest: sha256:abc }'), /sha256: and 64 lower-case hex digits/);
    assert.throws(bad(`{ repo: https://charts.example.com, version: 1.4.2, digest: "${digest}" }`), /must be \{ oci, version, digest \} or \{ repo, name, version, digest \}/);
    const chart = `{ oci: oci://registry.example.com/charts/checkout, version: 1.4.2, digest: "${digest}" }`;
    assert.throws(() => parseServices(`services:\n  checkout:\n    repository: shop/checkout\n    path: checkout\n    render: { renderers: [kustomize], helm: { chart: ${chart} } }\n    environments: {}\n`, '.ladder/services.yml'), /5:\d+ .*render\.renderers.*pins a chart \(render\.helm\.chart\) but does not allow helm/s);
  });
});
