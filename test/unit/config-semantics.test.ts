import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig, type ConfigOptions } from '../../src/core/config/load.js';
import { formatProblem } from '../../src/core/config/problem.js';

const base = [
  'service: web', //                      1
  'image: registry.example.com/web', //   2
  'manifests: { repo: acme/web-manifests }', // 3
  'environments:', //                     4
  '  - name: dev', //                     5
  '    from: { branch: main }', //        6
  '    namespace: web-dev', //            7
  '  - name: stg', //                     8
  '    from: { environment: dev }', //    9
  '    namespace: web-stg', //            10
  '  - name: prd', //                     11
  '    from: { environment: stg }', //    12
  '    namespace: web', //                13
  '',
].join('\n');

function problems(text: string, options?: ConfigOptions): string[] {
  const result = checkConfig(text, options);
  return result.ok ? [] : result.problems.map((problem) => formatProblem('f.yml', problem));
}

function edit(search: string, replacement: string, text = base): string {
  assert.ok(text.includes(search), `text contains ${search}`);
  return text.replace(search, replacement);
}

test('the base text is valid', () => {
  assert.deepEqual(problems(base), []);
});

test('environment names are unique, and name the first occurrence', () => {
  assert.deepEqual(problems(edit('name: prd', 'name: dev')), [
    "f.yml:11:11 environments[2].name: duplicate environment name 'dev' (first at line 5)",
  ]);
});

test('manifest branches are unique, whether set or implied by the name', () => {
  assert.deepEqual(problems(edit('    namespace: web\n', '    namespace: web\n    branch: stg\n')), [
    "f.yml:14:13 environments[2].branch: manifest branch 'stg' is already used by environment 'stg'; each environment needs its own branch",
  ]);
  assert.deepEqual(problems(edit('    namespace: web-dev\n', '    namespace: web-dev\n    branch: prd\n')), [
    "f.yml:12:11 environments[2].name: manifest branch 'prd' is already used by environment 'dev'; each environment needs its own branch",
  ]);
});

test('`default` cannot be an environment name: it would collide with values.default', () => {
  assert.deepEqual(problems(edit('name: prd', 'name: default')), [
    "f.yml:11:11 environments[2].name: 'default' is reserved for values.default; choose another environment name",
  ]);
});

test('from.environment names an environment listed earlier', () => {
  assert.deepEqual(problems(edit('environment: stg', 'environment: prd')), [
    'f.yml:12:26 environments[2].from.environment: an environment cannot be promoted from itself',
  ]);
  assert.deepEqual(problems(edit('environment: dev', 'environment: prd')), [
    "f.yml:9:26 environments[1].from.environment: 'prd' is listed after 'stg'; list environments in promotion order, upstream first",
  ]);
  assert.deepEqual(problems(edit('environment: stg', 'environment: sgt')), [
    "f.yml:12:26 environments[2].from.environment: no environment named 'sgt' is listed before 'prd' (did you mean 'stg'?)",
  ]);
  assert.deepEqual(problems(edit('environment: stg', 'environment: qa')), [
    "f.yml:12:26 environments[2].from.environment: no environment named 'qa' is listed before 'prd'",
  ]);
});

test('a cycle cannot be written: one of its environments is always listed after its upstream', () => {
  const cycle = edit('from: { branch: main }', 'from: { environment: prd }');
  assert.deepEqual(problems(cycle), [
    'f.yml:6:26 environments[0].from.environment: the first environment must be fed by a code branch: from: { branch: <name> }',
  ]);
});

test('the first environment is fed by a code branch, so some environment always is', () => {
  const noBranch = edit('from: { branch: main }', 'from: { environment: dev }');
  assert.deepEqual(problems(noBranch), [
    'f.yml:6:26 environments[0].from.environment: the first environment must be fed by a code branch: from: { branch: <name> }',
  ]);
});

test('soak belongs to promoted environments only', () => {
  assert.deepEqual(problems(edit('    namespace: web-dev\n', '    namespace: web-dev\n    soak: 10m\n')), [
    'f.yml:8:11 environments[0].soak: soak applies only to an environment promoted from another (from: { environment: <name> })',
  ]);
  assert.deepEqual(problems(edit('    namespace: web-stg\n', '    namespace: web-stg\n    soak: 1h30m\n')), []);
});

test('values keys are default or an environment name', () => {
  const text = `${base}values:\n  default: { cpu: 1 }\n  prod: { cpu: 2 }\n  canary: { cpu: 3 }\n  stg: { cpu: 4 }\n`;
  assert.deepEqual(problems(text), [
    "f.yml:16:3 values.prod: no environment named 'prod'; values keys are 'default' or an environment name (did you mean 'prd'?)",
    "f.yml:17:3 values.canary: no environment named 'canary'; values keys are 'default' or an environment name",
  ]);
});

test('deploy windows have a known IANA time zone and open before they close', () => {
  const windows = (window: string): string => edit('    namespace: web\n', `    namespace: web\n    windows:\n      - ${window}\n`);
  assert.deepEqual(problems(windows('{ days: mon-thu, hours: "09:00-16:00", timezone: Europe/London }')), []);
  assert.deepEqual(problems(windows('{ days: fri-mon, hours: "00:00-24:00" }')), []);
  assert.deepEqual(problems(windows('{ days: mon, hours: "09:00-16:00", timezone: Europe/Londn }')), [
    "f.yml:15:54 environments[2].windows[0].timezone: unknown time zone 'Europe/Londn'; use an IANA name such as Europe/London or UTC (did you mean 'Europe/London'?)",
  ]);
  assert.deepEqual(problems(windows('{ days: mon, hours: "09:00-16:00", timezone: "+01:00" }')), [
    "f.yml:15:54 environments[2].windows[0].timezone: unknown time zone '+01:00'; use an IANA name such as Europe/London or UTC",
  ]);
  assert.deepEqual(problems(windows('{ days: mon, hours: "22:00-02:00" }')), [
    'f.yml:15:29 environments[2].windows[0].hours: the window must open before it closes; split a window over midnight into two',
  ]);
  assert.deepEqual(problems(windows('{ days: mon, hours: "10:00-10:00" }')), [
    'f.yml:15:29 environments[2].windows[0].hours: the window must open before it closes; split a window over midnight into two',
  ]);
  assert.deepEqual(problems(windows('{ days: mon, hours: "09:00-24:30" }')), [
    'f.yml:15:29 environments[2].windows[0].hours: must be HH:MM-HH:MM in 24-hour time, e.g. 09:00-16:00',
  ]);
});

test('disabled policy rules must be known rules, when the caller knows them', () => {
  const text = `${base}validation:\n  disable:\n    - { rule: run-as-rot, reason: the sidecar needs root for iptables }\n    - { rule: no-such-thing, reason: the sidecar needs root for iptables }\n`;
  const knownRuleIds = ['run-as-root', 'privileged', 'host-path'];
  assert.deepEqual(problems(text, { knownRuleIds }), [
    "f.yml:16:15 validation.disable[0].rule: unknown policy rule 'run-as-rot' (did you mean 'run-as-root'?)",
    "f.yml:17:15 validation.disable[1].rule: unknown policy rule 'no-such-thing'; known rules: run-as-root, privileged, host-path",
  ]);
  // Without a list of rules (e.g. an older Ladder reading a newer config) the ids are not judged.
  assert.deepEqual(problems(text), []);
});

test('a disabled rule needs a reason worth recording', () => {
  assert.deepEqual(problems(`${base}validation:\n  disable: [{ rule: privileged, reason: " because " }]\n`), [
    'f.yml:15:41 validation.disable[0].reason: must say why, in at least 10 characters',
  ]);
});

test('kubernetesVersion is a quoted minor version, and a bundled one when the caller says which are', () => {
  const version = (v: string): string => `${base}validation:\n  kubernetesVersion: ${v}\n`;
  const knownKubernetesVersions = ['1.33', '1.34', '1.35'];
  assert.deepEqual(problems(version('"1.34"'), { knownKubernetesVersions }), []);
  assert.deepEqual(problems(version('"1.20"'), { knownKubernetesVersions }), [
    'f.yml:15:22 validation.kubernetesVersion: no bundled schemas for Kubernetes 1.20; bundled: 1.33, 1.34, 1.35',
  ]);
  assert.deepEqual(problems(version('"v1.34"')), [
    'f.yml:15:22 validation.kubernetesVersion: must be a Kubernetes minor version such as "1.35" (in quotes)',
  ]);
  assert.deepEqual(problems(version('"1.34.2"')), [
    'f.yml:15:22 validation.kubernetesVersion: must be a Kubernetes minor version such as "1.35" (in quotes)',
  ]);
});

test('every semantic problem is reported at once', () => {
  const text = `${edit('name: prd', 'name: dev')}values:\n  prod: {}\n`;
  assert.deepEqual(problems(text), [
    "f.yml:11:11 environments[2].name: duplicate environment name 'dev' (first at line 5)",
    "f.yml:15:3 values.prod: no environment named 'prod'; values keys are 'default' or an environment name",
  ]);
});
