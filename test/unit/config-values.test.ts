import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LadderInputError } from '../../src/core/errors.js';
import { parseConfig, valuesFor } from '../../src/core/config/load.js';
import { windowDays, windowHours } from '../../src/core/config/windows.js';

const config = parseConfig(
  `service: web
image: registry.example.com/web
manifests: { repo: acme/web-manifests }
environments:
  - { name: dev, from: { branch: main }, namespace: web-dev }
  - { name: stg, from: { environment: dev }, namespace: web-stg }
  - { name: prd, from: { environment: stg }, namespace: web }
values:
  default:
    replicas: 2
    resources: { cpu: 250m, memory: 256Mi }
    env: { LOG_LEVEL: info, REGION: eu-west-1 }
    hosts: [a.example.com, b.example.com]
    probe: { path: /healthz, port: 8080 }
  prd:
    replicas: 6
    resources: { cpu: "1" }
    env: { LOG_LEVEL: warn, TRACING: "on" }
    hosts: [shop.example.com]
    probe: ~
`,
  'ladder.yml',
);

test('an environment without its own values gets the defaults', () => {
  assert.deepEqual(valuesFor(config, 'dev'), {
    replicas: 2,
    resources: { cpu: '250m', memory: '256Mi' },
    env: { LOG_LEVEL: 'info', REGION: 'eu-west-1' },
    hosts: ['a.example.com', 'b.example.com'],
    probe: { path: '/healthz', port: 8080 },
  });
});

test('environment values merge into the defaults key by key, at every depth', () => {
  assert.deepEqual(valuesFor(config, 'prd'), {
    replicas: 6,
    resources: { cpu: '1', memory: '256Mi' },
    env: { LOG_LEVEL: 'warn', REGION: 'eu-west-1', TRACING: 'on' },
    // Lists replace: prd serves one host, not three.
    hosts: ['shop.example.com'],
    // An explicit null replaces a mapping, so an environment can switch a default off.
    probe: null,
  });
});

test('the merged values share nothing with the config', () => {
  const values = valuesFor(config, 'dev') as { resources: Record<string, unknown>; hosts: string[] };
  values.resources['cpu'] = 'changed';
  values.hosts.push('changed.example.com');
  assert.deepEqual(valuesFor(config, 'dev')['resources'], { cpu: '250m', memory: '256Mi' });
  assert.deepEqual(config.values['default']?.['hosts'], ['a.example.com', 'b.example.com']);
});

test('values for an unknown environment are an error naming the known ones', () => {
  assert.throws(
    () => valuesFor(config, 'prod', 'svc/ladder.yml'),
    (error: unknown) => error instanceof LadderInputError && /no environment named 'prod'; web has 'dev', 'stg', 'prd' \(did you mean 'prd'\?\)/.test(error.message),
  );
});

test('a config without values gives every environment an empty mapping', () => {
  const bare = parseConfig(
    'service: web\nimage: web\nmanifests: { repo: a/b }\nenvironments: [{ name: dev, from: { branch: main }, namespace: web }]\n',
    'ladder.yml',
  );
  assert.deepEqual(valuesFor(bare, 'dev'), {});
});

test('window hours read as minutes since midnight, 24:00 as the end of the day', () => {
  assert.deepEqual(windowHours({ hours: '09:30-16:45' }), { start: 570, end: 1005 });
  assert.deepEqual(windowHours({ hours: '00:00-24:00' }), { start: 0, end: 1440 });
});

test('window days read ranges, lists and ranges over the weekend', () => {
  assert.deepEqual([...windowDays({ days: 'mon-thu' })].sort(), [1, 2, 3, 4]);
  assert.deepEqual([...windowDays({ days: 'mon,wed,fri' })].sort(), [1, 3, 5]);
  assert.deepEqual([...windowDays({ days: 'fri-mon' })].sort(), [0, 1, 5, 6]);
  assert.deepEqual([...windowDays({ days: 'sun' })], [0]);
});

test('YAML merge keys and anchors work in values, with the local keys winning', () => {
  const merged = parseConfig(
    `service: web
image: web
manifests: { repo: a/b }
environments:
  - { name: dev, from: { branch: main }, namespace: web-dev }
  - { name: prd, from: { environment: dev }, namespace: web }
values:
  default: &base { cpu: 250m, memory: 256Mi }
  prd:
    <<: *base
    cpu: "2"
`,
    'ladder.yml',
  );
  assert.deepEqual(merged.values['prd'], { cpu: '2', memory: '256Mi' });
  assert.deepEqual(valuesFor(merged, 'prd'), { cpu: '2', memory: '256Mi' });
});
