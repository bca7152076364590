import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LadderInputError } from '../../src/core/errors.js';
import {
  LadderConfigError,
  checkConfig,
  downstreamOf,
  environmentNamed,
  environmentsFedByBranch,
  manifestBranch,
  parseConfig,
  promotionOrder,
} from '../../src/core/config/load.js';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const example = read('docs/example/.github/ladder.yml');

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}

test('the README example loads, with every default filled in', () => {
  const config = parseConfig(example, '.github/ladder.yml');
  assert.equal(config.service, 'checkout');
  assert.equal(config.image, 'registry.example.com/shop/checkout');
  assert.deepEqual(config.imageTag, { format: 'sha', length: 12 });
  // No folder unless the config names one: the manifest repository's .ladder/services.yml decides it.
  assert.deepEqual(config.manifests, { render: 'handlebars', repo: 'shop/checkout-manifests', templates: 'deploy/templates' });
  assert.deepEqual(config.validation, { unknownKinds: 'error', allowClusterScoped: [], disable: [] });
  assert.deepEqual(
    config.environments.map((env) => [env.name, env.from, env.namespace, env.autoMerge, env.soak]),
    [
      ['dev', { branch: 'main' }, 'checkout-dev', true, undefined],
      ['stg', { environment: 'dev' }, 'checkout-stg', false, '30m'],
      ['prd', { environment: 'stg' }, 'checkout', false, undefined],
    ],
  );
  const prd = environmentNamed(config, 'prd');
  assert.deepEqual(prd.windows, [{ days: 'mon-thu', hours: '09:00-16:00', timezone: 'Europe/London' }]);
  assert.deepEqual(prd.reviewers, { users: [], teams: ['shop/release-managers'] });
  assert.deepEqual(prd.labels, []);
  assert.deepEqual(config.values, { default: { cpu: '250m', memory: '256Mi' }, prd: { cpu: '1', memory: '1Gi' } });
});

test('a branch-mapped config with every key set loads as written', () => {
  const config = parseConfig(read('test/fixtures/config/branch-mapped.yml'), 'branch-mapped.yml', {
    knownRuleIds: ['run-as-root', 'privileged'],
    knownKubernetesVersions: ['1.33', '1.34', '1.35'],
  });
  assert.deepEqual(config.imageTag, { format: 'short-sha', length: 10 });
  assert.equal(config.manifests.path, 'services/payments');
  assert.deepEqual(config.environments.map(manifestBranch), ['dev', 'stg', 'production']);
  const prd = environmentNamed(config, 'prd');
  assert.equal(prd.windows[1]?.timezone, 'America/New_York');
  assert.deepEqual(prd.commenters, { users: [], teams: ['shop/payments-leads'] });
  assert.deepEqual(config.validation.disable, [
    { rule: 'run-as-root', reason: 'the vendor image runs as root; tracked in SHOP-123', resources: ['Deployment/payments'] },
  ]);
  assert.equal(config.validation.unknownKinds, 'warning');
});

test('defaults are fresh for every load, so changing one config cannot change the next', () => {
  const first = parseConfig(read('test/fixtures/config/minimal.yml'), 'minimal.yml');
  first.validation.disable.push({ rule: 'privileged', reason: 'changed by a careless caller' });
  first.environments[0]!.windows.push({ days: 'mon', hours: '09:00-10:00', timezone: 'UTC' });
  const second = parseConfig(read('test/fixtures/config/minimal.yml'), 'minimal.yml');
  assert.deepEqual(second.validation.disable, []);
  assert.deepEqual(second.environments[0]!.windows, []);
});

test('checkConfig reports instead of throwing', () => {
  const result = checkConfig('service: web\n');
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.problems.length === 3);
  const good = checkConfig(example);
  assert.ok(good.ok && good.config.service === 'checkout');
});

test('LadderConfigError lists every problem, one per line, and is a LadderInputError', () => {
  const text = 'service: Web\nimage: web\nmanifests: { repo: acme }\nenviroments: []\n';
  const error = thrownBy(() => parseConfig(text, 'cfg/ladder.yml'));
  assert.ok(error instanceof LadderConfigError && error instanceof LadderInputError);
  assert.equal(
    error.message,
    [
      "cfg/ladder.yml:1:10 service: must be a DNS-1123 label: lower-case letters, digits and -, at most 63 characters",
      "cfg/ladder.yml:3:20 manifests.repo: must be owner/name, e.g. shop/checkout-manifests",
      "cfg/ladder.yml:4:1 enviroments: unknown key (did you mean 'environments'?)",
    ].join('\n'),
  );
  assert.deepEqual(error.location, { file: 'cfg/ladder.yml', line: 1, column: 10, key: 'service' });
  assert.deepEqual(error.problems[2], { message: 'unknown key', key: 'enviroments', line: 4, column: 1, suggestion: 'environments' });
  assert.deepEqual(error.toFindings()[2], {
    file: 'cfg/ladder.yml', line: 4, column: 1, rule: 'config', severity: 'error',
    message: 'enviroments: unknown key', hint: "Did you mean 'environments'?",
  });
});

test('environmentNamed names the known environments and the likely one', () => {
  const config = parseConfig(example, '.github/ladder.yml');
  assert.equal(environmentNamed(config, 'stg').namespace, 'checkout-stg');
  assert.throws(
    () => environmentNamed(config, 'prod', 'svc/.github/ladder.yml'),
    (error: unknown) =>
      error instanceof LadderInputError &&
      error.location.file === 'svc/.github/ladder.yml' &&
      error.message === "svc/.github/ladder.yml (environments): no environment named 'prod'; checkout has 'dev', 'stg', 'prd' (did you mean 'prd'?)",
  );
  assert.throws(() => environmentNamed(config, 'qa'), /no environment named 'qa'; checkout has 'dev', 'stg', 'prd'$/);
});

test('promotion order gives each environment its source and the environments it feeds', () => {
  const config = parseConfig(
    example.replace('values:', '  - { name: perf, from: { environment: dev }, namespace: checkout-perf }\nvalues:'),
    'ladder.yml',
  );
  assert.deepEqual(promotionOrder(config), [
    { name: 'dev', manifestBranch: 'dev', codeBranch: 'main', downstream: ['stg', 'perf'] },
    { name: 'stg', manifestBranch: 'stg', upstream: 'dev', downstream: ['prd'] },
    { name: 'prd', manifestBranch: 'prd', upstream: 'stg', downstream: [] },
    { name: 'perf', manifestBranch: 'perf', upstream: 'dev', downstream: [] },
  ]);
  assert.deepEqual(environmentsFedByBranch(config, 'main').map((env) => env.name), ['dev']);
  assert.deepEqual(environmentsFedByBranch(config, 'stg'), []);
  assert.deepEqual(downstreamOf(config, 'stg').map((env) => env.name), ['prd']);
});
