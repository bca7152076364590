import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sharedClusterScopedFindings, type ClusterScopedObject } from '../../src/core/validate/shared-cluster-scoped.js';

const crd = (environment: string, line = 1): ClusterScopedObject => ({ kind: 'CustomResourceDefinition', name: 'widgets.example.com', file: `${environment}/crd-widgets.yaml`, line, column: 1 });
const role = (environment: string): ClusterScopedObject => ({ kind: 'ClusterRole', name: 'checkout-reader', file: `${environment}/clusterrole.yaml`, line: 1, column: 1 });
const grantsFile = '.ladder/services.yml';
const sharing = new Map([['dev', 'nonprod'], ['stg', 'nonprod'], ['prd', 'prod']]);

describe('shared cluster-scoped objects (issue #13 item 3)', () => {
  it('is an error at each render when two environments of one cluster render the same object and none owns it, naming the fix', () => {
    const findings = sharedClusterScopedFindings({
      renders: [{ environment: 'dev', objects: [crd('dev', 4)] }, { environment: 'stg', objects: [crd('stg', 7)] }, { environment: 'prd', objects: [crd('prd')] }],
      clusters: sharing,
      grants: new Map(),
      grantsFile,
    });
    assert.deepEqual(findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.rule} ${f.severity}`), [
      'dev/crd-widgets.yaml:4:1 shared-cluster-scoped error',
      'stg/crd-widgets.yaml:7:1 shared-cluster-scoped error',
    ], 'prd is in a cluster of its own: its copy is its own');
    assert.equal(findings[0]!.message, 'CustomResourceDefinition widgets.example.com is cluster-scoped and rendered by dev and stg, which share cluster nonprod, and no environment owns it');
    assert.equal(findings[0]!.hint, 'Make one environment own it: list CustomResourceDefinition widgets.example.com under clusterScoped of that environment alone in .ladder/services.yml, and render it for that environment only.');
    assert.deepEqual([findings[0]!.kind, findings[0]!.name], ['CustomResourceDefinition', 'widgets.example.com']);
  });

  it('with one owner granted, only the other environments renders are errors, naming the owner', () => {
    const findings = sharedClusterScopedFindings({
      renders: [{ environment: 'dev', objects: [crd('dev'), role('dev')] }, { environment: 'stg', objects: [crd('stg')] }],
      clusters: sharing,
      grants: new Map([['CustomResourceDefinition/widgets.example.com', ['dev']]]),
      grantsFile,
    });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.file, 'stg/crd-widgets.yaml');
    assert.match(findings[0]!.message, /dev owns it in cluster nonprod \(granted in \.ladder\/services\.yml\), but stg, in the same cluster, renders it too/);
    assert.equal(findings[0]!.hint, 'Render CustomResourceDefinition widgets.example.com for dev only, and leave it out of stg.');
  });

  it('a grant to both environments of one cluster is itself the problem', () => {
    const findings = sharedClusterScopedFindings({
      renders: [{ environment: 'dev', objects: [crd('dev')] }, { environment: 'stg', objects: [crd('stg')] }],
      clusters: sharing,
      grants: new Map([['CustomResourceDefinition/widgets.example.com', ['dev', 'stg', 'prd']]]),
      grantsFile,
    });
    assert.equal(findings.length, 2);
    assert.match(findings[0]!.message, /\.ladder\/services\.yml grants it to dev and stg: an object in one cluster has one owner/);
  });

  it('finds nothing when the environments are in different clusters, render different objects, or have no cluster named', () => {
    assert.deepEqual(sharedClusterScopedFindings({ renders: [{ environment: 'stg', objects: [crd('stg')] }, { environment: 'prd', objects: [crd('prd')] }], clusters: sharing, grants: new Map(), grantsFile }), []);
    assert.deepEqual(sharedClusterScopedFindings({ renders: [{ environment: 'dev', objects: [crd('dev')] }, { environment: 'stg', objects: [role('stg')] }], clusters: sharing, grants: new Map(), grantsFile }), []);
    assert.deepEqual(sharedClusterScopedFindings({ renders: [{ environment: 'qa', objects: [crd('qa')] }, { environment: 'uat', objects: [crd('uat')] }], clusters: sharing, grants: new Map(), grantsFile }), []);
  });

  it('an environment rendering an object twice is not two environments sharing it', () => {
    assert.deepEqual(sharedClusterScopedFindings({ renders: [{ environment: 'dev', objects: [crd('dev', 1), crd('dev', 9)] }], clusters: sharing, grants: new Map(), grantsFile }), []);
  });
});
