import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { at, compliantDeployment, context, findingsOf, yaml } from '../fixtures/policy/helpers.js';

describe('replicas-with-hpa', () => {
  const scaled = yaml`
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: checkout
    spec:
      replicas: 3
      template:
        spec:
          containers: []
    ---
    apiVersion: autoscaling/v2
    kind: HorizontalPodAutoscaler
    metadata:
      name: checkout-hpa
    spec:
      scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: checkout }
      minReplicas: 2
      maxReplicas: 10
  `;

  it('reports spec.replicas of a Deployment an HPA in the set scales, naming the HPA', () => {
    const findings = findingsOf('replicas-with-hpa', scaled, context);
    assert.deepEqual(findings.map(at), [{ rule: 'replicas-with-hpa', line: 6, column: 13 }]);
    assert.equal(findings[0]!.message, 'Deployment "checkout" sets spec.replicas, but HorizontalPodAutoscaler "checkout-hpa" scales it');
  });

  it('reports a StatefulSet scaled by an autoscaling/v1 HPA', () => {
    const statefulSet = scaled.replaceAll('Deployment', 'StatefulSet').replace('autoscaling/v2', 'autoscaling/v1');
    assert.deepEqual(findingsOf('replicas-with-hpa', statefulSet, context).map(at), [{ rule: 'replicas-with-hpa', line: 6, column: 13 }]);
  });

  it('accepts replicas without an HPA, and an HPA-scaled workload without replicas', () => {
    assert.deepEqual(findingsOf('replicas-with-hpa', scaled.slice(0, scaled.indexOf('---')), context), []);
    assert.deepEqual(findingsOf('replicas-with-hpa', scaled.replace('  replicas: 3\n', ''), context), []);
  });

  it('ignores an HPA that targets another name, another API group or another namespace', () => {
    assert.deepEqual(findingsOf('replicas-with-hpa', scaled.replace('name: checkout }', 'name: worker }'), context), []);
    assert.deepEqual(findingsOf('replicas-with-hpa', scaled.replace('apiVersion: apps/v1, kind', 'apiVersion: argoproj.io/v1alpha1, kind'), context), []);
    assert.deepEqual(findingsOf('replicas-with-hpa', scaled.replace('name: checkout-hpa', 'name: checkout-hpa\n  namespace: other'), context), []);
  });

  it('matches an HPA without scaleTargetRef.apiVersion, wherever it is in the set, and names the first that matches', () => {
    const [deployment, hpa] = scaled.split('---\n');
    const other = hpa!.replace('checkout-hpa', 'checkout-other-group').replace('apiVersion: apps/v1, kind', 'apiVersion: argoproj.io/v1alpha1, kind');
    const noApiVersion = hpa!.replace('checkout-hpa', 'checkout-any-group').replace('apiVersion: apps/v1, ', '');
    const findings = findingsOf('replicas-with-hpa', [other, noApiVersion, hpa, deployment].join('---\n'), context);
    assert.deepEqual(findings.map(at), [{ rule: 'replicas-with-hpa', line: 33, column: 13 }]);
    assert.equal(findings[0]!.message, 'Deployment "checkout" sets spec.replicas, but HorizontalPodAutoscaler "checkout-any-group" scales it');
  });

  it('matches an HPA in the environment namespace to a workload that names it, and each workload to its own HPA', () => {
    const explicit = scaled.replace('name: checkout\nspec', 'name: checkout\n  namespace: checkout-dev\nspec');
    assert.deepEqual(findingsOf('replicas-with-hpa', explicit, context).map(at), [{ rule: 'replicas-with-hpa', line: 7, column: 13 }]);
    assert.deepEqual(findingsOf('replicas-with-hpa', explicit, {}), []);
    const worker = scaled.replaceAll('checkout', 'worker');
    const both = findingsOf('replicas-with-hpa', `${scaled}---\n${worker}`, context);
    assert.deepEqual(both.map((finding) => finding.message), [
      'Deployment "checkout" sets spec.replicas, but HorizontalPodAutoscaler "checkout-hpa" scales it',
      'Deployment "worker" sets spec.replicas, but HorizontalPodAutoscaler "worker-hpa" scales it',
    ]);
  });
});

describe('missing-required-labels', () => {
  it('accepts a workload labelled on the object and on its pod template', () => {
    assert.deepEqual(findingsOf('missing-required-labels', compliantDeployment, context), []);
  });

  it('reports a label missing from metadata.labels at the labels block', () => {
    const withoutVersion = compliantDeployment.replace(/ {4}app\.kubernetes\.io\/version: .*\n/, '');
    const findings = findingsOf('missing-required-labels', withoutVersion, context);
    assert.deepEqual(findings.map(at), [{ rule: 'missing-required-labels', line: 6, column: 5 }]);
    assert.equal(findings[0]!.message, 'Deployment "checkout" lacks label app.kubernetes.io/version in metadata.labels');
    assert.equal(findings[0]!.severity, 'warning');
  });

  it('reports a pod template without labels at the template', () => {
    const withoutTemplateLabels = compliantDeployment.replace(/ {4}metadata:\n {6}labels:\n( {8}.*\n){3}/, '');
    const findings = findingsOf('missing-required-labels', withoutTemplateLabels, context);
    assert.deepEqual(findings.map(at), [{ rule: 'missing-required-labels', line: 14, column: 5 }]);
    assert.equal(
      findings[0]!.message,
      'the pod template of Deployment "checkout" lacks labels app.kubernetes.io/name, app.kubernetes.io/version, app.kubernetes.io/managed-by in spec.template.metadata.labels',
    );
  });

  it('checks every kind, counts an empty value as missing, and honours configured labels', () => {
    const configMap = yaml`
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: settings
        labels: { team: "" }
    `;
    assert.deepEqual(findingsOf('missing-required-labels', configMap).map(at), [{ rule: 'missing-required-labels', line: 5, column: 11 }]);
    const [team] = findingsOf('missing-required-labels', configMap, { requiredLabels: ['team'] });
    assert.equal(team?.message, 'ConfigMap "settings" lacks label team in metadata.labels');
    assert.deepEqual(findingsOf('missing-required-labels', configMap, { requiredLabels: [] }), []);
  });
});

describe('namespace-mismatch', () => {
  const configMap = yaml`
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
      namespace: checkout-prd
  `;

  it("reports a namespace other than the environment's at metadata.namespace", () => {
    const findings = findingsOf('namespace-mismatch', configMap, context);
    assert.deepEqual(findings.map(at), [{ rule: 'namespace-mismatch', line: 5, column: 14 }]);
    assert.equal(findings[0]!.message, 'ConfigMap "settings" is in namespace "checkout-prd", but this environment deploys to "checkout-dev"');
  });

  it("accepts the environment's namespace and no namespace at all", () => {
    assert.deepEqual(findingsOf('namespace-mismatch', configMap.replace('checkout-prd', 'checkout-dev'), context), []);
    assert.deepEqual(findingsOf('namespace-mismatch', configMap.replace('  namespace: checkout-prd\n', ''), context), []);
  });

  it('does not run without an environment namespace, nor on cluster-scoped kinds', () => {
    assert.deepEqual(findingsOf('namespace-mismatch', configMap, {}), []);
    assert.deepEqual(findingsOf('namespace-mismatch', configMap.replace('v1\nkind: ConfigMap', 'rbac.authorization.k8s.io/v1\nkind: ClusterRole'), context), []);
  });
});

describe('cluster-scoped-resource', () => {
  const clusterRole = yaml`
    apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRole
    metadata:
      name: checkout-reader
    rules: []
  `;

  it('reports a built-in cluster-scoped kind at its kind', () => {
    const findings = findingsOf('cluster-scoped-resource', clusterRole, context);
    assert.deepEqual(findings.map(at), [{ rule: 'cluster-scoped-resource', line: 2, column: 7 }]);
    assert.equal(findings[0]!.message, 'ClusterRole "checkout-reader" is cluster-scoped, so it affects every namespace, and ClusterRole is not in validation.allowClusterScoped');
  });

  it('accepts kinds in allowClusterScoped and namespaced kinds', () => {
    assert.deepEqual(findingsOf('cluster-scoped-resource', clusterRole, { allowClusterScoped: ['ClusterRole'] }), []);
    assert.deepEqual(findingsOf('cluster-scoped-resource', compliantDeployment, context), []);
  });

  it('with the manifest repository grant, needs both the kind and the name granted, whatever allowClusterScoped says', () => {
    const grant = [{ kind: 'ClusterRole', names: ['checkout-reader'] }];
    assert.deepEqual(findingsOf('cluster-scoped-resource', clusterRole, { clusterScopedGrant: grant }), []);
    const other = clusterRole.replace('checkout-reader', 'cluster-admin-copy');
    const byName = findingsOf('cluster-scoped-resource', other, { clusterScopedGrant: grant, allowClusterScoped: ['ClusterRole'] });
    assert.deepEqual(byName.map(at), [{ rule: 'cluster-scoped-resource', line: 4, column: 9 }]);
    assert.equal(byName[0]!.message, 'ClusterRole "cluster-admin-copy" is cluster-scoped, so it affects every namespace, and the manifest repository grants this environment only "checkout-reader" of kind ClusterRole');
    const byKind = findingsOf('cluster-scoped-resource', clusterRole, { clusterScopedGrant: [], allowClusterScoped: ['ClusterRole'] });
    assert.equal(byKind[0]!.message, 'ClusterRole "checkout-reader" is cluster-scoped, so it affects every namespace, and the manifest repository grants this environment no ClusterRole (clusterScoped in .ladder/services.yml)');
  });

  it("prefers the schema validator's answer to the built-in list", () => {
    const isNamespaced = (apiVersion: string, kind: string): boolean | undefined =>
      kind === 'ClusterRole' ? true : kind === 'Widget' ? false : undefined;
    assert.deepEqual(findingsOf('cluster-scoped-resource', clusterRole, { isNamespaced }), []);
    const widget = clusterRole.replace('rbac.authorization.k8s.io/v1', 'example.com/v1').replace('kind: ClusterRole', 'kind: Widget');
    assert.deepEqual(findingsOf('cluster-scoped-resource', widget, { isNamespaced }).map(at), [{ rule: 'cluster-scoped-resource', line: 2, column: 7 }]);
  });

  it('learns the scope of a custom kind from a CustomResourceDefinition in the same set', () => {
    const withCrd = (scope: string): string => yaml`
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.example.com
      spec:
        group: example.com
        scope: ${scope}
        names: { kind: Widget, plural: widgets }
      ---
      apiVersion: example.com/v1
      kind: Widget
      metadata:
        name: blue
    `;
    const cluster = findingsOf('cluster-scoped-resource', withCrd('Cluster'), { allowClusterScoped: ['CustomResourceDefinition'] });
    assert.deepEqual(cluster.map((finding) => [finding.kind, finding.line, finding.column]), [['Widget', 11, 7]]);
    assert.deepEqual(findingsOf('cluster-scoped-resource', withCrd('Namespaced'), { allowClusterScoped: ['CustomResourceDefinition'] }), []);
  });

  it('takes the scope from the first CRD for the kind that declares Cluster or Namespaced', () => {
    const crd = (scope: string, group = 'example.com'): string => yaml`
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata:
        name: widgets.${group}
      spec:
        group: ${group}
        scope: ${scope}
        names: { kind: Widget, plural: widgets }
    `;
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: blue\n';
    const allow = { allowClusterScoped: ['CustomResourceDefinition'] };
    const kinds = (text: string): (string | undefined)[] => findingsOf('cluster-scoped-resource', text, allow).map((finding) => finding.kind);
    assert.deepEqual(kinds([widget, crd('Sideways'), crd('Cluster'), crd('Namespaced')].join('---\n')), ['Widget']);
    assert.deepEqual(kinds([crd('Namespaced'), crd('Cluster'), widget].join('---\n')), []);
    assert.deepEqual(kinds([crd('Cluster', 'other.example.com'), widget].join('---\n')), []);
  });
});
