import { isSet, num, obj, str, type Obj } from '../access.js';
import { forbidden, invalid, notSupported, required, type FieldError } from '../field.js';
import { nameIsDnsSubdomain, validateLabelSelector, validateNameIsPathSegment, validateObjectMeta } from '../meta.js';
import type { KindRules } from './kind.js';
import { validateIntOrPercent, validateNotMoreThan100Percent } from './workload-template.js';

/** policy/v1 PodDisruptionBudget and scheduling.k8s.io/v1 PriorityClass. */

export const podDisruptionBudget: KindRules = {
  prepare(object) {
    delete object['status'];
  },
  validate(object) {
    // The PDB strategy validates only the spec; the name gets BeforeCreate's generic path-segment check.
    const spec = obj(object['spec']) ?? {};
    const errors: FieldError[] = [];
    if (isSet(spec['minAvailable']) && isSet(spec['maxUnavailable'])) errors.push({ ...invalid(['spec'], goSpec(spec), 'minAvailable and maxUnavailable cannot be both set'), at: ['spec', 'maxUnavailable'] });
    for (const key of ['minAvailable', 'maxUnavailable']) {
      if (!isSet(spec[key])) continue;
      errors.push(...validateIntOrPercent(spec[key], ['spec', key]), ...validateNotMoreThan100Percent(spec[key], ['spec', key]));
    }
    errors.push(...validateLabelSelector(spec['selector'], ['spec', 'selector']));
    const policy = spec['unhealthyPodEvictionPolicy'];
    if (isSet(policy) && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow') {
      errors.push(notSupported(['spec', 'unhealthyPodEvictionPolicy'], str(policy), ['AlwaysAllow', 'IfHealthyBudget']));
    }
    return errors.length > 0 ? errors : validateNameIsPathSegment(obj(object['metadata']));
  },
};

const systemClasses: Record<string, number> = { 'system-node-critical': 2000001000, 'system-cluster-critical': 2000000000 };

export const priorityClass: KindRules = {
  prepare(object) {
    if (!isSet(object['preemptionPolicy'])) object['preemptionPolicy'] = 'PreemptLowerPriority';
  },
  validate(object) {
    const metadata = obj(object['metadata']) ?? {};
    const errors = validateObjectMeta(metadata, { namespaced: false, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    const name = str(metadata['name']);
    const value = num(object['value']);
    if (name.startsWith('system-')) {
      const known = systemClasses[name];
      const problem = known === undefined
        ? `${name} is not a known system priority class`
        : known !== value ? `value of ${name} PriorityClass must be ${known}` : object['globalDefault'] === true ? `globalDefault of ${name} PriorityClass must be false` : undefined;
      if (problem) errors.push(forbidden(['metadata', 'name'], `priority class names with 'system-' prefix are reserved for system use only. error: ${problem}`));
    } else if (value > 1000000000) {
      errors.push(forbidden(['value'], 'maximum allowed value of a user defined priority is 1000000000'));
    }
    if (isSet(object['preemptionPolicy'])) {
      const policy = str(object['preemptionPolicy']);
      if (policy === '') errors.push(required(['preemptionPolicy']));
      else if (policy !== 'PreemptLowerPriority' && policy !== 'Never') errors.push(notSupported(['preemptionPolicy'], policy, ['PreemptLowerPriority', 'Never']));
    }
    return errors;
  },
};

/** The spec as the API server prints it: its internal Go struct, whose fields have no JSON names. */
function goSpec(spec: Obj): Obj {
  return {
    MinAvailable: spec['minAvailable'] ?? null,
    Selector: spec['selector'] ?? null,
    MaxUnavailable: spec['maxUnavailable'] ?? null,
    UnhealthyPodEvictionPolicy: spec['unhealthyPodEvictionPolicy'] ?? null,
  };
}
