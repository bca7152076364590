// Issue 14: the App's check runs carry the template location of findings on rendered manifests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/core/findings.js';
import { promotionCheckRun, validateCheckRun } from '../../src/core/promotion/check-runs.js';
import { findingsText } from '../../src/core/promotion/check-output.js';
import type { ValidationReport } from '../../src/core/validate/run.js';

const inRepo: Finding = {
  file: 'manifests/deployment-orders.yaml', line: 51, column: 38, kind: 'Deployment', name: 'orders', rule: 'schema', severity: 'error',
  message: 'spec.template.spec.containers[0].readinessProbe.periodSeconds: expected integer, got string "30s"',
  template: { file: 'deploy/templates/deployment.yaml.hbs', line: 15, column: 28, valuesKey: 'values.probePeriod' },
};
const builtIn: Finding = {
  file: 'manifests/service-orders.yaml', line: 9, column: 13, kind: 'Service', name: 'orders', rule: 'apiserver', severity: 'error',
  message: 'spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive', hint: 'Use a port number from 1 to 65535.',
  template: { file: 'service.yaml.hbs', line: 12, column: 13, valuesKey: 'values.port', builtIn: true },
};
const report: ValidationReport = { findings: [inRepo, builtIn], suppressed: [], resources: 2 };

describe('check runs name the template line of findings on rendered manifests', () => {
  it('on the code commit, a validation failure annotates the template lines in the repository', () => {
    const run = promotionCheckRun({ kind: 'invalid', environment: 'dev', reason: 'validation', report, kubernetesVersion: '1.36.3' })!;
    assert.deepEqual(run.annotations, [{
      path: 'deploy/templates/deployment.yaml.hbs', start_line: 15, end_line: 15, start_column: 28, end_column: 28,
      annotation_level: 'failure', title: 'schema: Deployment/orders',
      message: `${inRepo.message}\nRendered at manifests/deployment-orders.yaml:51:38, from values.probePeriod`,
    }], "Ladder's default templates are no file of the repository: no annotation for them");
    assert.match(run.text ?? '', /^- `deploy\/templates\/deployment\.yaml\.hbs:15:28 \(values\.probePeriod\)` \(rendered `manifests\/deployment-orders\.yaml:51:38`\) \*\*error\*\* schema/m);
    assert.match(run.text ?? '', /^- `service\.yaml\.hbs:12:13 \(values\.port; Ladder's default template\)` \(rendered `manifests\/service-orders\.yaml:9:13`\)/m);
  });

  it('on the promotion pull request, annotations stay on the rendered files and say which template line wrote them', () => {
    const run = validateCheckRun(report, '1.36.3');
    assert.deepEqual(run.annotations?.map((a) => [a.path, a.start_line, a.message]), [
      ['manifests/deployment-orders.yaml', 51, `${inRepo.message}\nFrom deploy/templates/deployment.yaml.hbs:15:28 (values.probePeriod)`],
      ['manifests/service-orders.yaml', 9, `${builtIn.message}\nFrom service.yaml.hbs:12:13 (values.port; Ladder's default template)\n${builtIn.hint}`],
    ]);
  });

  it('findings of files that were not rendered keep their own location alone', () => {
    assert.equal(findingsText([{ file: 'k8s/x.yaml', line: 3, column: 1, rule: 'schema', severity: 'error', message: 'bad' }]), '- `k8s/x.yaml:3:1` **error** schema: bad');
  });
});
