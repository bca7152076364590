import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkServices, parseServices } from '../../src/core/services/load.js';
import { foldersOverlap } from '../../src/core/services/semantics.js';

const service = (name: string, path: string, repository = `shop/${name}`, environments = '      dev:\n        from: { branches: [main] }\n        namespaces: [x-dev]\n') =>
  `  ${name}:\n    repository: ${repository}\n    path: ${path === '' ? "''" : path}\n    environments:\n${environments}`;

function problems(text: string, options = {}) {
  const result = checkServices(text, options);
  assert.equal(result.ok, false, 'expected problems');
  return result.ok ? [] : result.problems.map((p) => `${p.line}:${p.column} ${p.key}: ${p.message}${p.suggestion ? ` (did you mean '${p.suggestion}'?)` : ''}`);
}

test('a valid file loads with its defaults filled in', () => {
  const services = parseServices(`services:\n${service('checkout', 'checkout')}`, '.ladder/services.yml');
  const dev = services.services['checkout']!.environments['dev']!;
  assert.deepEqual(dev, { from: { branches: ['main'] }, namespaces: ['x-dev'], autoMerge: false, exceptions: [], clusterScoped: [] });
  assert.deepEqual(services.agents, {});
});

test('unknown keys are located and get a did-you-mean', () => {
  assert.deepEqual(problems(`services:\n  checkout:\n    repository: shop/checkout\n    folder: checkout\n    environments: {}\n`), [
    '3:5 services.checkout.path: is required',
    '4:5 services.checkout.folder: unknown key; allowed here: repository, path, environments, render',
  ]);
  const [typo] = problems(`services:\n${service('checkout', 'checkout').replace('namespaces:', 'namespace:')}`);
  assert.equal(typo, "8:9 services.checkout.environments.dev.namespace: unknown key (did you mean 'namespaces'?)");
});

test('two services never share a folder, nor nest one inside the other, nor share the whole branch', () => {
  assert.deepEqual(problems(`services:\n${service('a', 'apps/a')}${service('b', 'apps/a')}`), [
    "11:11 services.b.path: folder 'apps/a' is already the folder of service 'a' (line 4); two services never share a folder",
  ]);
  assert.deepEqual(problems(`services:\n${service('a', 'apps')}${service('b', 'apps/b')}`), [
    "11:11 services.b.path: folder 'apps/b' overlaps 'apps', the folder of service 'a' (line 4); two services' folders never overlap, nor lie one inside the other",
  ]);
  assert.deepEqual(problems(`services:\n${service('a', '')}${service('b', 'b')}`), [
    "11:11 services.b.path: folder 'b' overlaps '(the whole branch)', the folder of service 'a' (line 4); two services' folders never overlap, nor lie one inside the other",
  ]);
  assert.equal(checkServices(`services:\n${service('a', 'apps/a')}${service('b', 'apps/ab')}`).ok, true, 'a common prefix is not a common folder');
  assert.equal(foldersOverlap('apps/a', 'apps/ab'), false);
  assert.equal(foldersOverlap('apps', 'apps/x'), true);
});

test('a folder may not climb out or hide behind . segments', () => {
  for (const path of ['../other', 'a/../b', '/abs', './a', 'a/.', 'a//b']) {
    const [problem] = problems(`services:\n${service('a', JSON.stringify(path))}`);
    assert.match(problem!, /^4:11 services\.a\.path: must be a relative folder/, path);
  }
});

test('a code repository speaks for one service', () => {
  assert.deepEqual(problems(`services:\n${service('a', 'a', 'shop/code')}${service('b', 'b', 'Shop/Code')}`), [
    "10:17 services.b.repository: Shop/Code already speaks for service 'a' (line 3); a code repository has one .github/ladder.yml, so one service",
  ]);
});

test('an environment is one branch for every service, and its own within one', () => {
  const other = '      dev:\n        branch: development\n        from: { branches: [main] }\n        namespaces: [b-dev]\n';
  assert.deepEqual(problems(`services:\n${service('a', 'a')}${service('b', 'b', 'shop/b', other)}`), [
    "14:17 services.b.environments.dev.branch: environment 'dev' is branch 'dev' for service 'a' (line 7); an environment is one branch for every service",
  ]);
  const twice = '      dev:\n        from: { branches: [main] }\n        namespaces: [a]\n      qa:\n        branch: dev\n        from: { branches: [qa] }\n        namespaces: [a]\n';
  assert.deepEqual(problems(`services:\n${service('a', 'a', 'shop/a', twice)}`), [
    "10:17 services.a.environments.qa.branch: branch 'dev' is already the branch of environment 'dev'; each environment needs its own branch",
  ]);
});

test('promotion between environments names one of the service and forms no cycle', () => {
  const envs = (from: string) => `      dev:\n        from: { branches: [main] }\n        namespaces: [a]\n      stg:\n        from: { environment: ${from} }\n        namespaces: [a]\n      prd:\n        from: { environment: stg }\n        namespaces: [a]\n`;
  assert.deepEqual(problems(`services:\n${service('a', 'a', 'shop/a', envs('dve'))}`), [
    "10:30 services.a.environments.stg.from.environment: service 'a' has no environment named 'dve' (did you mean 'dev'?)",
  ]);
  assert.deepEqual(problems(`services:\n${service('a', 'a', 'shop/a', envs('prd'))}`), [
    "10:30 services.a.environments.stg.from.environment: promotions from 'prd' lead back to 'stg': environments promoted from each other form a cycle",
    "13:30 services.a.environments.prd.from.environment: promotions from 'stg' lead back to 'prd': environments promoted from each other form a cycle",
  ]);
  assert.deepEqual(problems(`services:\n${service('a', 'a', 'shop/a', envs('stg'))}`).slice(0, 1), [
    "10:30 services.a.environments.stg.from.environment: an environment cannot be promoted from itself",
  ]);
});

test('exceptions name known rules, with their reason', () => {
  const envs = '      dev:\n        from: { branches: [main] }\n        namespaces: [a]\n        exceptions:\n          - rule: run-as-rot\n            reason: legacy image, see ticket 12\n';
  assert.deepEqual(problems(`services:\n${service('a', 'a', 'shop/a', envs)}`, { knownRuleIds: ['run-as-root', 'privileged'] }), [
    "10:19 services.a.environments.dev.exceptions[0].rule: unknown policy rule 'run-as-rot' (did you mean 'run-as-root'?)",
  ]);
  const short = envs.replace('run-as-rot', 'run-as-root').replace('legacy image, see ticket 12', 'legacy');
  assert.deepEqual(problems(`services:\n${service('a', 'a', 'shop/a', short)}`), ['11:21 services.a.environments.dev.exceptions[0].reason: must say why, in at least 10 characters']);
});

test('agents are https issuers, service accounts, and environments that exist', () => {
  const agent = (issuer: string, subject: string, envs: string) => `agents:\n  dev-cluster:\n    issuer: ${issuer}\n    subject: ${subject}\n    environments: [${envs}]\n`;
  const base = `services:\n${service('a', 'a')}`;
  assert.equal(checkServices(base + agent('https://oidc.example.com', 'system:serviceaccount:ladder-system:ladder-agent', 'dev')).ok, true);
  assert.deepEqual(problems(base + agent('http://oidc.example.com', 'system:serviceaccount:ladder-system:ladder-agent', 'dve')), [
    '11:13 agents.dev-cluster.issuer: must be an https URL: the keys that prove an agent are fetched from it',
    "13:20 agents.dev-cluster.environments[0]: no service of this repository has an environment named 'dve' (did you mean 'dev'?)",
  ]);
  assert.deepEqual(problems(base + agent('https://oidc.example.com', 'ladder-agent', 'dev')), ['12:14 agents.dev-cluster.subject: must be system:serviceaccount:<namespace>:<name>']);
});

test('the file is read under the same budgets as .github/ladder.yml, and says what it is', () => {
  assert.deepEqual(problems(''), ['1:1 : the file is empty; .ladder/services.yml needs at least services']);
  assert.deepEqual(problems('- a\n'), ['1:1 : the file must be a mapping of keys such as services and agents, not a list']);
  assert.match(problems('services: &s { a: *s }\n')[0]!, /alias \*s stands inside the value &s names/);
});
