import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkConfig, type ConfigOptions } from '../../src/core/config/load.js';
import { formatProblem } from '../../src/core/config/problem.js';
import { cpuTimed } from '../support/cpu-time.js';

// Line numbers in the expectations below refer to this text (1-based):
const base = [
  'service: web', //                      1
  'image: registry.example.com/web', //   2
  'manifests:', //                        3
  '  repo: acme/web-manifests', //        4
  'environments:', //                     5
  '  - name: dev', //                     6
  '    from: { branch: main }', //        7
  '    namespace: web-dev', //            8
  '    autoMerge: true', //               9
  '  - name: prd', //                     10
  '    from: { environment: dev }', //    11
  '    namespace: web', //                12
  '',
].join('\n');

/** Every problem of `text`, formatted as users see it. */
function problems(text: string, options?: ConfigOptions): string[] {
  const result = checkConfig(text, options);
  return result.ok ? [] : result.problems.map((problem) => formatProblem('f.yml', problem));
}

function edit(search: string, replacement: string): string {
  assert.ok(base.includes(search), `base contains ${search}`);
  return base.replace(search, replacement);
}

test('the base text is valid, so every other test fails only for its own edit', () => {
  assert.deepEqual(problems(base), []);
});

test('YAML syntax errors point at where the parser stopped, once', () => {
  // A tab before `namespace` on line 8; everything after it is an echo and not reported.
  assert.deepEqual(problems(edit('    namespace: web-dev', '\tnamespace: web-dev')), ['f.yml:8:1 Tabs are not allowed as indentation']);
  assert.deepEqual(problems(edit('from: { branch: main }', 'from: { branch: main')), [
    'f.yml:8:5 Flow map in block collection must be sufficiently indented and end with a }',
  ]);
});

test('an unclosed quote points at the opening quote, not the end of the file', () => {
  assert.deepEqual(problems(edit('image: registry', 'image: "registry')), ['f.yml:2:8 image: this quoted string is never closed']);
});

test('duplicate keys are each reported at the second occurrence', () => {
  const text = edit('    namespace: web-dev', '    namespace: web-dev\n    namespace: web-2') + 'service: again\n';
  assert.deepEqual(problems(text), [
    "f.yml:9:5 environments[0].namespace: duplicate key 'namespace'; each key may appear once in a mapping",
    "f.yml:14:1 service: duplicate key 'service'; each key may appear once in a mapping",
  ]);
});

test('a second YAML document is refused', () => {
  assert.deepEqual(problems(`${base}---\nservice: other\n`), [
    'f.yml:13:1 a config file holds one YAML document; remove the --- separator and what follows it',
  ]);
});

test('unknown tags and dangling aliases are located', () => {
  assert.deepEqual(problems(edit('image: registry', 'image: !img registry')), [
    'f.yml:2:8 image: unknown tag !img; Ladder knows only the standard YAML tags such as !!str',
  ]);
  assert.deepEqual(problems(edit('service: web', 'service: *web')), ['f.yml:1:10 service: alias *web has no anchor &web before it']);
});

test('an alias bomb is refused at its first alias, without expanding it', () => {
  const bomb = [
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    'g: [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  ].join('\n');
  const { value, ms } = cpuTimed(() => problems(bomb));
  assert.deepEqual(value, ['f.yml:2:8 b[0]: aliases expand too far (more than 100 copies); write the values out or use fewer aliases']);
  assert.ok(ms < 2000, `refused quickly: ${ms} ms of CPU`);
});

test('a few aliases are fine and their values count as written', () => {
  const text = `${base}values:\n  default: &sizes { cpu: 250m }\n  prd: *sizes\n`;
  assert.deepEqual(problems(text), []);
});

test('empty files, and documents that are not a mapping, say what a config needs', () => {
  const empty = 'f.yml:1:1 the file is empty; a Ladder config needs at least service, image, manifests and environments';
  assert.deepEqual(problems(''), [empty]);
  assert.deepEqual(problems('# just a comment\n\n'), [empty]);
  assert.deepEqual(problems('~\n'), ['f.yml:1:1 the file has no keys; a Ladder config needs at least service, image, manifests and environments']);
  assert.deepEqual(problems('- dev\n- prd\n'), ['f.yml:1:1 the file must be a mapping of keys such as service and environments, not a list']);
  assert.deepEqual(problems('\n\ncheckout\n'), ['f.yml:3:1 the file must be a mapping of keys such as service and environments, not a string']);
  assert.deepEqual(problems('{}'), [
    'f.yml:1:1 environments: is required',
    'f.yml:1:1 image: is required',
    'f.yml:1:1 manifests: is required',
    'f.yml:1:1 service: is required',
  ]);
});

test('unknown keys point at the key and suggest the nearest valid one', () => {
  // The missing `environments` is not reported again: the suggestion covers it.
  assert.deepEqual(problems(edit('environments:', 'enviroments:')), ["f.yml:5:1 enviroments: unknown key (did you mean 'environments'?)"]);
  assert.deepEqual(problems(edit('autoMerge: true', 'autoMerg: true')), [
    "f.yml:9:5 environments[0].autoMerg: unknown key (did you mean 'autoMerge'?)",
  ]);
  assert.deepEqual(problems(edit('  repo:', '  Repo:')), ["f.yml:4:3 manifests.Repo: unknown key (did you mean 'repo'?)"]);
  assert.deepEqual(problems(`${base}validation: { disabel: [] }\n`), ["f.yml:13:15 validation.disabel: unknown key (did you mean 'disable'?)"]);
});

test('an unknown key with no near miss lists the keys allowed there', () => {
  assert.deepEqual(problems(edit('    autoMerge: true', '    colour: red')), [
    'f.yml:9:5 environments[0].colour: unknown key; allowed here: name, from, namespace, branch, autoMerge, soak, windows, reviewers, labels, commenters',
  ]);
});

test('wrong types say what was expected and what was written', () => {
  const environmentsAsString = base.slice(0, base.indexOf('environments:')) + 'environments: "dev"\n';
  assert.deepEqual(problems(environmentsAsString), ["f.yml:5:15 environments: must be a list, not the string 'dev'"]);
  assert.deepEqual(problems(edit('manifests:\n  repo: acme/web-manifests', 'manifests: acme/web-manifests')), [
    "f.yml:3:12 manifests: must be a mapping, not the string 'acme/web-manifests'",
  ]);
  assert.deepEqual(problems(edit('autoMerge: true', 'autoMerge: yes')), [
    "f.yml:9:16 environments[0].autoMerge: must be a boolean, not the string 'yes' (write true or false, without quotes)",
  ]);
});

test('a number where a string belongs asks for quotes (YAML reads 1.30 as 1.3)', () => {
  assert.deepEqual(problems(`${base}validation:\n  kubernetesVersion: 1.30\n`), [
    'f.yml:14:22 validation.kubernetesVersion: must be a string, not the number 1.3; put it in quotes',
  ]);
});

test('numbers out of range, fractional or infinite are refused', () => {
  assert.deepEqual(problems(`${base}imageTag: { format: short-sha, length: 5 }\n`), ['f.yml:13:40 imageTag.length: must be at least 7']);
  assert.deepEqual(problems(`${base}imageTag: { length: 7.5 }\n`), ['f.yml:13:21 imageTag.length: must be a whole number, not 7.5']);
  assert.deepEqual(problems(`${base}imageTag: { length: 1e400 }\n`), ['f.yml:13:21 imageTag.length: must be a finite number']);
});

test('a value outside an enum lists the choices and suggests the nearest', () => {
  assert.deepEqual(problems(`${base}validation: { unknownKinds: eror }\n`), [
    "f.yml:13:29 validation.unknownKinds: must be one of 'error', 'warning', 'ignore' (did you mean 'error'?)",
  ]);
});

test('a missing required key points at the mapping that lacks it', () => {
  assert.deepEqual(problems(edit('    namespace: web\n', '')), ['f.yml:10:5 environments[1].namespace: is required']);
});

test('`from` problems are explained by the form the user meant', () => {
  const formMessage = 'must be { branch: <name> } or { environment: <name> }, exactly one of the two';
  assert.deepEqual(problems(edit('from: { branch: main }', 'from: main')), [`f.yml:7:11 environments[0].from: ${formMessage}`]);
  assert.deepEqual(problems(edit('from: { branch: main }', 'from: { branch: main, environment: qa }')), [
    `f.yml:7:11 environments[0].from: ${formMessage}`,
  ]);
  assert.deepEqual(problems(edit('from: { branch: main }', 'from: { brnch: main }')), [
    `f.yml:7:13 environments[0].from.brnch: unknown key; environments[0].from ${formMessage} (did you mean 'branch'?)`,
  ]);
  assert.deepEqual(problems(edit('from: { branch: main }', 'from: { branch: 5 }')), [
    'f.yml:7:21 environments[0].from.branch: must be a string, not the number 5; put it in quotes',
  ]);
  assert.deepEqual(problems(edit('from: { branch: main }', 'from: { branch: "" }')), ['f.yml:7:21 environments[0].from.branch: must not be empty']);
  assert.deepEqual(problems(edit('name: prd', 'name: ""')), ['f.yml:10:11 environments[1].name: must not be empty']);
  assert.deepEqual(problems(edit('from: { environment: dev }', 'from: { environment: Dev }')), [
    'f.yml:11:26 environments[1].from.environment: must be a DNS-1123 label: lower-case letters, digits and -, at most 63 characters',
  ]);
});

test('formats the schema cannot express as a type are explained', () => {
  assert.deepEqual(problems(edit('registry.example.com/web', 'registry.example.com/web:latest')), [
    'f.yml:2:8 image: must be an image name without tag or digest, e.g. registry.example.com/shop/checkout',
  ]);
  assert.deepEqual(problems(edit('    namespace: web\n', '    namespace: web\n    branch: "release..1"\n    soak: 30 minutes\n')), [
    'f.yml:13:13 environments[1].branch: must be a valid Git branch name, e.g. main or release/1.2',
    'f.yml:14:11 environments[1].soak: must be a duration such as 90s, 30m, 1h30m or 2d',
  ]);
  assert.deepEqual(problems(`${base}manifests_path: x\n`.replace('  repo: acme/web-manifests', '  repo: acme/web-manifests\n  path: ../elsewhere')), [
    'f.yml:5:9 manifests.path: must be a relative directory such as deploy/templates, without .. or a leading /',
    'f.yml:14:1 manifests_path: unknown key; allowed here: service, image, imageTag, manifests, environments, values, validation',
  ]);
});

test('__proto__ keys are refused rather than silently dropped', () => {
  assert.deepEqual(problems(`${base}values:\n  __proto__: { polluted: true }\n`), ["f.yml:14:3 values.__proto__: the key '__proto__' is not allowed"]);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('Windows line endings and a byte-order mark are read like any other file', () => {
  assert.deepEqual(problems(`\uFEFF${base.replace(/\n/g, '\r\n')}`), []);
  assert.deepEqual(problems(edit('autoMerge: true', 'autoMerg: true').replace(/\n/g, '\r\n')), [
    "f.yml:9:5 environments[0].autoMerg: unknown key (did you mean 'autoMerge'?)",
  ]);
});

test('keys are names: a list, a mapping or nothing as a key is refused, without process warnings', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(warning.message);
  };
  process.on('warning', onWarning);
  try {
    assert.deepEqual(problems(`${base}? [a, b]\n: 1\n`), ['f.yml:13:3 a key must be a plain name, not a list or mapping']);
    assert.deepEqual(problems(`${base}{ x: 1 }: 1\n`), ['f.yml:13:1 a key must be a plain name, not a list or mapping']);
    assert.deepEqual(problems(`${base}values:\n  default:\n    "": 1\n`), ['f.yml:15:5 values.default: empty key; every value needs a name']);
    // Warnings are emitted on the next tick; give them the chance to show up.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  assert.deepEqual(warnings, []);
});
