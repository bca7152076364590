import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { validationSchema } from '../../src/core/config/schema.js';
import { policyRuleIds, policyRules, runPolicy } from '../../src/core/validate/policy/index.js';
import { compliantDeployment, context, parse, sha, yaml } from '../fixtures/policy/helpers.js';

const latestImage = compliantDeployment.replace(`:${sha}`, ':latest');

describe('policy engine', () => {
  it('finds nothing in a Deployment that follows every rule', () => {
    assert.deepEqual(runPolicy(parse(compliantDeployment), context), { findings: [], suppressed: [] });
  });

  it('exports exactly the documented rule ids, each once', () => {
    assert.deepEqual([...policyRuleIds].sort(), [
      'cluster-scoped-resource', 'host-namespaces', 'host-path', 'image-tag-mutable', 'image-tag-not-commit',
      'literal-secret-in-env', 'missing-required-labels', 'missing-resources', 'namespace-mismatch',
      'privilege-escalation', 'privileged', 'replicas-with-hpa', 'run-as-root',
    ]);
  });

  it('gives every rule a summary and a one-sentence hint, and makes only label findings warnings', () => {
    for (const rule of policyRules) {
      assert.match(rule.summary, /\.$/, `${rule.id} summary`);
      assert.match(rule.hint, /^[A-Z].*\.$/, `${rule.id} hint`);
    }
    assert.deepEqual(policyRules.filter((rule) => rule.severity !== 'error').map((rule) => rule.id), ['missing-required-labels']);
  });

  it('reports file, position of the offending key, kind, name, severity, message and hint', () => {
    const { findings } = runPolicy(parse(latestImage, 'rendered/deployment-checkout.yaml'), context);
    const mutable = findings.find((finding) => finding.rule === 'image-tag-mutable');
    assert.deepEqual(mutable, {
      file: 'rendered/deployment-checkout.yaml',
      line: 24,
      column: 18,
      kind: 'Deployment',
      name: 'checkout',
      rule: 'image-tag-mutable',
      severity: 'error',
      message: 'container "app": image registry.example.com/shop/checkout uses the tag "latest", a tag that moves whenever someone pushes',
      hint: 'Use an immutable tag such as the commit SHA, or pin the image by digest (`image@sha256:…`).',
    });
  });

  it('orders findings by file, then position, whatever order the documents come in', () => {
    const documents = [...parse(latestImage, 'b.yaml'), ...parse(latestImage.replace('runAsNonRoot: true', 'runAsNonRoot: false'), 'a.yaml')];
    const { findings } = runPolicy(documents, context);
    assert.deepEqual(
      findings.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.rule}`),
      ['a.yaml:21:23 run-as-root', 'a.yaml:24:18 image-tag-mutable', 'a.yaml:24:18 image-tag-not-commit', 'b.yaml:24:18 image-tag-mutable', 'b.yaml:24:18 image-tag-not-commit'],
    );
  });

  it('never throws on objects of the wrong shape, leaving those to schema validation', () => {
    const documents = parse(yaml`
      apiVersion: apps/v1
      kind: Deployment
      metadata: [not, a, map]
      spec: just a string
      ---
      apiVersion: batch/v1
      kind: CronJob
      spec: { jobTemplate: { spec: { template: { spec: { containers: "x", initContainers: [1, null, { image: 3 }] } } } } }
      ---
      apiVersion: v1
      kind: Pod
      spec: { containers: [{ name: a, securityContext: 7, env: [null, { name: TOKEN }], resources: [] }], volumes: [null, { hostPath: null }] }
      ---
      kind: 12
      metadata: { name: 12, namespace: 7 }
    `);
    assert.doesNotThrow(() => runPolicy(documents, { ...context, exceptions: [{ rule: 'run-as-root', reason: 'checking shapes only', resources: ['Pod/a'] }] }));
  });
});

describe('policy exceptions', () => {
  const twoDeployments = [...parse(latestImage, 'checkout.yaml'), ...parse(latestImage.replace('name: checkout\n', 'name: worker\n'), 'worker.yaml')];

  it('moves every finding of a globally disabled rule to suppressed, with the reason', () => {
    const reason = 'tags are pinned by digest at admission';
    const { findings, suppressed } = runPolicy(twoDeployments, { ...context, exceptions: [{ rule: 'image-tag-mutable', reason }] });
    assert.equal(findings.filter((finding) => finding.rule === 'image-tag-mutable').length, 0);
    assert.deepEqual(
      suppressed.map((finding) => [finding.rule, finding.name, finding.line, finding.column, finding.reason]),
      [
        ['image-tag-mutable', 'checkout', 24, 18, reason],
        ['image-tag-mutable', 'worker', 24, 18, reason],
      ],
    );
    assert.ok(findings.some((finding) => finding.rule === 'image-tag-not-commit'), 'other rules still report');
  });

  it('limits an exception to the resources it names, comparing kinds without case', () => {
    const { findings, suppressed } = runPolicy(twoDeployments, {
      ...context,
      exceptions: [{ rule: 'image-tag-mutable', reason: 'worker image is built elsewhere', resources: ['deployment/worker'] }],
    });
    assert.deepEqual(suppressed.map((finding) => `${finding.rule} ${finding.kind}/${finding.name}`), ['image-tag-mutable Deployment/worker']);
    assert.deepEqual(findings.filter((finding) => finding.rule === 'image-tag-mutable').map((finding) => finding.name), ['checkout']);
  });

  it('does not match a resource list entry by a different kind or by a name of different case', () => {
    const { suppressed } = runPolicy(twoDeployments, {
      ...context,
      exceptions: [{ rule: 'image-tag-mutable', reason: 'not for these resources', resources: ['StatefulSet/worker', 'Deployment/Checkout'] }],
    });
    assert.deepEqual(suppressed, []);
  });
});

describe('policy context from .github/ladder.yml', () => {
  it('takes the validation section of the config as it is loaded', () => {
    const validation = validationSchema.parse(
      parseYaml(yaml`
        allowClusterScoped: [ClusterRole]
        disable:
          - rule: image-tag-mutable
            reason: the worker image is pinned by the registry
            resources: [Deployment/checkout]
      `),
    );
    const documents = parse(`${latestImage}---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
`);
    const { findings, suppressed } = runPolicy(documents, { ...context, exceptions: validation.disable, allowClusterScoped: validation.allowClusterScoped });
    assert.deepEqual(suppressed.map((finding) => [finding.rule, finding.reason]), [['image-tag-mutable', 'the worker image is pinned by the registry']]);
    assert.equal(findings.some((finding) => finding.rule === 'cluster-scoped-resource'), false);
  });
});
