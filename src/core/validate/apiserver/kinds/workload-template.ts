import { intOrString, obj, type Obj } from '../access.js';
import { isValidPercent } from '../content.js';
import { forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from '../field.js';
import { isEmptySelector, labelsOf, selectorOf, validateLabelSelector, validateNonnegative } from '../meta.js';
import { defaultPodSpec } from '../defaults/pod.js';
import type { PodOptions } from '../pod/options.js';
import { validatePodTemplateSpec } from '../pod/pod-spec.js';

/** What the workload kinds share: selector against template labels, the pod template, int-or-percent fields. */

export function defaultTemplate(template: unknown, minor: number): void {
  const t = obj(template);
  const spec = obj(t?.['spec']);
  if (spec) defaultPodSpec(spec, minor);
}

/** The selector must be set and not empty, and match the pod template's labels (Deployment, ReplicaSet, StatefulSet). */
export function validateSelectorAndTemplate(spec: Obj, path: FieldPath, kindWord: string, options: PodOptions, restartAlways = true): FieldError[] {
  const errors: FieldError[] = [];
  const selector = spec['selector'];
  if (selector === undefined || selector === null) errors.push(required([...path, 'selector']));
  else {
    errors.push(...validateLabelSelector(selector, [...path, 'selector']));
    if (isEmptySelector(selector)) errors.push(invalid([...path, 'selector'], selector, `empty selector is invalid for ${kindWord}`));
  }
  const matches = selectorOf(selector);
  const template = obj(spec['template']);
  if (!matches) {
    errors.push(invalid([...path, 'selector'], selector, 'invalid label selector'));
    return errors;
  }
  if (!template) return [...errors, required([...path, 'template'])];
  errors.push(...validateTemplateAgainstSelector(template, selector, [...path, 'template'], options, kindWord, restartAlways));
  return errors;
}

export function validateTemplateAgainstSelector(template: Obj, selector: unknown, path: FieldPath, options: PodOptions, kindWord: string, restartAlways = true): FieldError[] {
  const errors: FieldError[] = [];
  const matches = selectorOf(selector);
  const templateLabels = obj(template['metadata'])?.['labels'];
  if (matches && !(selector !== undefined && selector !== null && isEmptySelector(selector)) && !matches(labelsOf(templateLabels))) {
    errors.push(invalid([...path, 'metadata', 'labels'], templateLabels ?? {}, '`selector` does not match template `labels`'));
  }
  errors.push(...validatePodTemplateSpec(template, path, options));
  if (restartAlways) errors.push(...validateAlwaysRestarts(template, path, kindWord));
  return errors;
}

const kindNames: Record<string, string> = { deployment: 'ReplicaSet', statefulset: 'StatefulSet', daemonset: 'DaemonSet', replicaset: 'ReplicaSet' };

export function validateAlwaysRestarts(template: Obj, path: FieldPath, kindWord: string): FieldError[] {
  const spec = obj(template['spec']) ?? {};
  const errors: FieldError[] = [];
  const policy = spec['restartPolicy'];
  if (policy !== 'Always') errors.push(notSupported([...path, 'spec', 'restartPolicy'], policy ?? '', ['Always']));
  if (spec['activeDeadlineSeconds'] !== undefined && spec['activeDeadlineSeconds'] !== null) {
    errors.push(forbidden([...path, 'spec', 'activeDeadlineSeconds'], `activeDeadlineSeconds in ${kindNames[kindWord] ?? kindWord} is not Supported`));
  }
  return errors;
}

/** ValidatePositiveIntOrPercent. */
export function validateIntOrPercent(value: unknown, path: FieldPath): FieldError[] {
  const v = intOrString(value);
  if (v.isInt) return validateNonnegative(v.int, path);
  return isValidPercent(v.str).map((m) => invalid(path, v.str, m));
}

/** getIntOrPercentValue: the number of a percentage, or the integer (a malformed string counts as 0). */
export function intOrPercentValue(value: unknown): number {
  const v = intOrString(value);
  if (v.isInt) return v.int;
  return isValidPercent(v.str).length === 0 ? Number(v.str.slice(0, -1)) : 0;
}

export function validateNotMoreThan100Percent(value: unknown, path: FieldPath): FieldError[] {
  const v = intOrString(value);
  if (v.isInt || isValidPercent(v.str).length > 0 || Number(v.str.slice(0, -1)) <= 100) return [];
  return [invalid(path, v.str, 'must not be greater than 100%')];
}
