import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchemaBundle } from '../../src/adapters/fs/schema-bundle.js';
import { parseManifests } from '../../src/core/manifests/parse.js';
import { createSchemaValidator } from '../../src/core/validate/schema/index.js';
import { isSafePattern } from '../../src/core/validate/schema/safe-pattern.js';

test('patterns with a repeated group that repeats inside are refused, others pass', () => {
  for (const safe of ['^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', '^(\\S+\\s+){4}\\S+$', '^(ab)+$', '^(a|b)*c$', '^[(+*]+$', '^\\(a+\\)+$', '^(?:v\\d+)?$', '^(a+)?$']) {
    assert.equal(isSafePattern(safe), true, safe);
  }
  for (const unsafe of ['^(a+)+$', '(a*)*', '^((ab)*c)+$', '^(x{2,})*$', '^([a-z]+\\.)+[a-z]+$', '(a)\\1', '^(?<n>a)\\k<n>$']) {
    assert.equal(isSafePattern(unsafe), false, unsafe);
  }
});

// The timeout turns a regression (catastrophic backtracking on 40 characters) into a failure instead of a hang.
test('a CRD pattern that could stall JavaScript is skipped with a warning, and validation finishes', { timeout: 10_000 }, async () => {
  const text = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: hosts.example.com
spec:
  group: example.com
  scope: Cluster
  names: {kind: Host, plural: hosts}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                domain:
                  type: string
                  pattern: '^([a-z]+)+$'
                port:
                  type: integer
---
apiVersion: example.com/v1
kind: Host
metadata:
  name: h
spec:
  domain: "${'a'.repeat(40)}!"
  port: "80"
`;
  const started = performance.now();
  const findings = createSchemaValidator(await loadSchemaBundle()).validate(parseManifests(text, 'hosts.yaml').documents);
  assert.ok(performance.now() - started < 5000, 'no catastrophic backtracking');
  assert.deepEqual(findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.message.slice(0, 60)}`), [
    '22:28 warning pattern ^([a-z]+)+$ of example.com/v1 Host is not checked of',
    '32:9 error spec.port: expected integer, got string "80"',
  ]);
});
