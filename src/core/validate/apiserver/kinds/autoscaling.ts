import { cloneData, isSet, num, obj, objects, str, type Obj } from '../access.js';
import { isDns1123Label, isPathSegmentName } from '../content.js';
import { gateEnabled } from '../features.js';
import { forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from '../field.js';
import { nameIsDnsSubdomain, validateObjectMeta } from '../meta.js';
import { validateContainerResourceName, validateNonnegativeQuantity } from '../pod/resources.js';
import { parseQuantity, signOf } from '../quantity.js';
import type { KindRules } from './kind.js';

/** autoscaling/v2 HorizontalPodAutoscaler (autoscaling/v1 objects are read through the same rules, as the server converts them). */

const scaleUpDefaults = { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] };
const scaleDownDefaults = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

function mergeRules(given: unknown, defaults: Obj): Obj {
  const rules = obj(given);
  const merged: Obj = cloneData(defaults);
  if (!rules) return merged;
  for (const key of ['selectPolicy', 'stabilizationWindowSeconds', 'policies', 'tolerance']) if (isSet(rules[key])) merged[key] = rules[key];
  return merged;
}

export const horizontalPodAutoscaler: KindRules = {
  prepare(object, { minor }) {
    const spec = (obj(object['spec']) ?? (object['spec'] = {})) as Obj;
    if (!isSet(spec['minReplicas'])) spec['minReplicas'] = 1;
    if (objects(spec['metrics']).length === 0) {
      spec['metrics'] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
    }
    const behavior = obj(spec['behavior']);
    if (behavior) {
      behavior['scaleUp'] = mergeRules(behavior['scaleUp'], scaleUpDefaults);
      behavior['scaleDown'] = mergeRules(behavior['scaleDown'], scaleDownDefaults);
      if (!gateEnabled('HPAConfigurableTolerance', minor)) {
        delete (behavior['scaleUp'] as Obj)['tolerance'];
        delete (behavior['scaleDown'] as Obj)['tolerance'];
      }
    }
  },
  validate(object, { minor }) {
    const spec = obj(object['spec']) ?? {};
    const path = ['spec'];
    const errors = validateObjectMeta(obj(object['metadata']), { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    const lowerBound = gateEnabled('HPAScaleToZero', minor) ? 0 : 1;
    const minReplicas = isSet(spec['minReplicas']) ? num(spec['minReplicas']) : undefined;
    const maxReplicas = num(spec['maxReplicas']);
    if (minReplicas !== undefined && minReplicas < lowerBound) errors.push(invalid([...path, 'minReplicas'], minReplicas, `must be greater than or equal to ${lowerBound}`));
    if (maxReplicas === 0) errors.push(required([...path, 'maxReplicas'], 'must be set and greater than 0'));
    else if (maxReplicas < 0) errors.push(invalid([...path, 'maxReplicas'], maxReplicas, 'must be greater than or equal to 1'));
    if (minReplicas !== undefined && maxReplicas < minReplicas) errors.push(invalid([...path, 'maxReplicas'], maxReplicas, 'must be greater than or equal to `minReplicas`'));
    const target = obj(spec['scaleTargetRef']) ?? {};
    errors.push(...validateReference(target, [...path, 'scaleTargetRef'], str(target['kind']) === 'ReplicationController'));
    const metrics = objects(spec['metrics']);
    let objectOrExternal = false;
    metrics.forEach((metric, i) => {
      errors.push(...validateMetric(metric, [...path, 'metrics', i]));
      if (metric['type'] === 'Object' || metric['type'] === 'External') objectOrExternal = true;
    });
    if (minReplicas === 0 && !objectOrExternal) errors.push(forbidden([...path, 'metrics'], 'must specify at least one Object or External metric to support scaling to zero replicas'));
    const behavior = obj(spec['behavior']);
    if (behavior) for (const key of ['scaleUp', 'scaleDown']) errors.push(...validateRules(obj(behavior[key]), [...path, 'behavior', key]));
    return errors;
  },
};

function validateReference(reference: Obj, path: FieldPath, allowEmptyGroup: boolean): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['kind', 'name']) {
    const value = str(reference[key]);
    if (value === '') errors.push(required([...path, key]));
    else errors.push(...isPathSegmentName(value).map((m) => invalid([...path, key], value, m)));
  }
  const apiVersion = str(reference['apiVersion']);
  const slashes = apiVersion.split('/').length - 1;
  if (slashes > 1) errors.push(invalid([...path, 'apiVersion'], apiVersion, `unexpected GroupVersion string: ${apiVersion}`));
  else if (!allowEmptyGroup && (slashes === 0 || apiVersion.startsWith('/'))) errors.push(invalid([...path, 'apiVersion'], apiVersion, 'apiVersion must specify API group'));
  return errors;
}

const sourceKeys: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

function validateMetric(metric: Obj, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const type = str(metric['type']);
  if (type === '') errors.push(required([...path, 'type'], 'must specify a metric source type'));
  if (!(type in sourceKeys)) errors.push(notSupported([...path, 'type'], type, Object.keys(sourceKeys).sort()));
  const present = ['object', 'external', 'pods', 'resource', 'containerResource'].filter((key) => isSet(metric[key]));
  const first = present[0];
  if (first) errors.push(...validateSource(first, obj(metric[first]) ?? {}, [...path, first]));
  const expected = sourceKeys[type];
  if (expected && !isSet(metric[expected])) errors.push(required([...path, expected], 'must populate information for the given metric source'));
  if (!expected) errors.push(notSupported([...path, 'type'], type, Object.keys(sourceKeys).sort()));
  if (present.length !== 1) for (const key of present.filter((k) => k !== expected)) errors.push(forbidden([...path, key], 'must populate the given metric source only'));
  return errors;
}

function validateSource(kind: string, source: Obj, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const target = obj(source['target']) ?? {};
  const targetPath = [...path, 'target'];
  const has = (key: string) => isSet(target[key]);
  const identifier = () => {
    const name = str(obj(source['metric'])?.['name']);
    if (name === '') errors.push(required([...path, 'metric', 'name'], 'must specify a metric name'));
    else errors.push(...isPathSegmentName(name).map((m) => invalid([...path, 'metric', 'name'], name, m)));
  };
  if (kind === 'object') {
    errors.push(...validateReference(obj(source['describedObject']) ?? {}, [...path, 'describedObject'], true));
    identifier();
  } else if (kind === 'external' || kind === 'pods') {
    identifier();
  } else if (kind === 'resource') {
    if (str(source['name']) === '') errors.push(required([...path, 'name'], 'must specify a resource name'));
  } else {
    const name = str(source['name']);
    if (name === '') errors.push(required([...path, 'name'], 'must specify a resource name'));
    else errors.push(...validateContainerResourceName(name, [...path, 'name']));
    const container = str(source['container']);
    if (container === '') errors.push(required([...path, 'container'], 'must specify a container'));
    else errors.push(...isDns1123Label(container).map((m) => invalid([...path, 'container'], container, m)));
  }
  errors.push(...validateTarget(target, targetPath));
  if (kind === 'object' && !has('value') && !has('averageValue')) errors.push(required([...targetPath, 'averageValue'], 'must set either a target value or averageValue'));
  if (kind === 'external') {
    if (!has('value') && !has('averageValue')) errors.push(required([...targetPath, 'averageValue'], 'must set either a target value for metric or a per-pod target'));
    if (has('value') && has('averageValue')) errors.push(forbidden([...targetPath, 'value'], 'may not set both a target value for metric and a per-pod target'));
  }
  if (kind === 'pods' && !has('averageValue')) errors.push(required([...targetPath, 'averageValue'], 'must specify a positive target averageValue'));
  if (kind === 'resource' || kind === 'containerResource') {
    if (!has('averageUtilization') && !has('averageValue')) errors.push(required([...targetPath, 'averageUtilization'], 'must set either a target raw value or a target utilization'));
    if (has('averageUtilization') && has('averageValue')) errors.push(forbidden([...targetPath, 'averageValue'], 'may not set both a target raw value and a target utilization'));
  }
  return errors;
}

function validateTarget(target: Obj, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const type = str(target['type']);
  if (type === '') errors.push(required([...path, 'type'], 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(type)) errors.push(invalid([...path, 'type'], type, 'must be either Utilization, Value, or AverageValue'));
  for (const key of ['value', 'averageValue']) {
    const q = isSet(target[key]) ? parseQuantity(target[key]) : undefined;
    if (q && signOf(q) !== 1) errors.push(invalid([...path, key], q.text, 'must be positive'));
  }
  if (isSet(target['averageUtilization']) && num(target['averageUtilization']) < 1) errors.push(invalid([...path, 'averageUtilization'], num(target['averageUtilization']), 'must be greater than 0'));
  return errors;
}

function validateRules(rules: Obj | undefined, path: FieldPath): FieldError[] {
  if (!rules) return [];
  const errors: FieldError[] = [];
  if (isSet(rules['stabilizationWindowSeconds'])) {
    const window = num(rules['stabilizationWindowSeconds']);
    if (window < 0) errors.push(invalid([...path, 'stabilizationWindowSeconds'], window, 'must be greater than or equal to zero'));
    if (window > 3600) errors.push(invalid([...path, 'stabilizationWindowSeconds'], window, 'must be less than or equal to 3600'));
  }
  if (isSet(rules['selectPolicy']) && !['Disabled', 'Max', 'Min'].includes(str(rules['selectPolicy']))) errors.push(notSupported([...path, 'selectPolicy'], str(rules['selectPolicy']), ['Disabled', 'Max', 'Min']));
  const policies = objects(rules['policies']);
  if (policies.length === 0) errors.push(required([...path, 'policies'], 'must specify at least one Policy'));
  policies.forEach((policy, i) => {
    const at = [...path, 'policies', i];
    const type = str(policy['type']);
    if (type !== 'Pods' && type !== 'Percent') errors.push(notSupported([...at, 'type'], type, ['Percent', 'Pods']));
    if (num(policy['value']) <= 0) errors.push(invalid([...at, 'value'], num(policy['value']), 'must be greater than zero'));
    const period = num(policy['periodSeconds']);
    if (period <= 0) errors.push(invalid([...at, 'periodSeconds'], period, 'must be greater than zero'));
    if (period > 1800) errors.push(invalid([...at, 'periodSeconds'], period, 'must be less than or equal to 1800'));
  });
  const tolerance = isSet(rules['tolerance']) ? parseQuantity(rules['tolerance']) : undefined;
  if (tolerance) errors.push(...validateNonnegativeQuantity(tolerance, [...path, 'tolerance']));
  return errors;
}

/** autoscaling/v1 → the v2 shape the rules read; errors on the synthesized metric point at targetCPUUtilizationPercentage. */
export function hpaV1AsV2(object: Obj): Obj {
  const copy = cloneData(object);
  const spec = (obj(copy['spec']) ?? (copy['spec'] = {})) as Obj;
  if (isSet(spec['targetCPUUtilizationPercentage'])) {
    spec['metrics'] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec['targetCPUUtilizationPercentage'] } } }];
  } else {
    spec['metrics'] = [];
  }
  delete spec['targetCPUUtilizationPercentage'];
  return copy;
}
