import { formatKeyPath } from '../../../errors.js';
import type { KubeObject } from '../../../manifests/document.js';
import { fieldsAt, kindOf, nameOf } from '../object-access.js';
import { findPodSpec } from '../pod-specs.js';
import { defaultRequiredLabels, type KeyPath, type PolicyRule, type RuleViolation } from '../types.js';

/**
 * The recommended `app.kubernetes.io/*` labels say what an object belongs to
 * and which version it runs; dashboards, cost reports and `kubectl get -l`
 * rely on them. Pods get their own labels from the template, not from the
 * workload, so workloads are checked in both places.
 */
export const missingRequiredLabels: PolicyRule = {
  id: 'missing-required-labels',
  severity: 'warning',
  summary: 'A resource, or the pod template of a workload, lacks a required label.',
  hint: 'Add the labels to metadata.labels (and to the pod template\'s metadata.labels for workloads); Ladder\'s default templates set them all.',
  check({ object }, context) {
    const required = context.requiredLabels ?? defaultRequiredLabels;
    if (required.length === 0 || kindOf(object) === undefined) return [];
    const violations: RuleViolation[] = [];
    const subject = `${kindOf(object)!}${nameOf(object) ? ` "${nameOf(object)!}"` : ''}`;
    checkLabels(object, [], required, subject, violations);
    const template = findPodSpec(object)?.templatePath;
    if (template) checkLabels(object, template, required, `the pod template of ${subject}`, violations);
    return violations;
  },
};

function checkLabels(object: KubeObject, at: KeyPath, required: readonly string[], subject: string, violations: RuleViolation[]): void {
  let owner: unknown = object;
  for (const key of at) owner = fieldsAt(owner, String(key));
  const labels = fieldsAt(fieldsAt(owner, 'metadata'), 'labels');
  const missing = required.filter((label) => {
    const value = labels?.[label];
    return typeof value !== 'string' || value === '';
  });
  if (missing.length === 0) return;
  const path = [...at, 'metadata', 'labels'];
  violations.push({
    path,
    message: `${subject} lacks ${missing.length === 1 ? 'label' : 'labels'} ${missing.join(', ')} in ${formatKeyPath(path)}`,
  });
}
