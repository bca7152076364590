import { entries, obj, objects, str, strings, type Obj } from '../access.js';
import { isQualifiedName } from '../content.js';
import { roundResourceLists } from '../defaults/resources.js';
import { duplicate, forbidden, invalid, required, type FieldError, type FieldPath } from '../field.js';
import { nameIsDnsSubdomain, validateObjectMeta } from '../meta.js';
import {
  isNativeResource, isStandardQuotaResourceName, validateContainerResourceName, validateResourceName, validateResourceQuantityValue,
} from '../pod/resources.js';
import { canonicalQuantity, ceilMilliValue, compareQuantities, parseQuantity, type Quantity } from '../quantity.js';
import type { KindRules } from './kind.js';

/** v1 ResourceQuota and LimitRange. */

const standardScopes = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'VolumeAttributesClass', 'CrossNamespacePodAffinity'];
const podCount = new Set(['pods']);
const podCompute = new Set(['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory']);

function scopeFitsResource(scope: string, resource: string): boolean {
  switch (scope) {
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
    case 'PriorityClass':
    case 'CrossNamespacePodAffinity':
      return podCount.has(resource) || podCompute.has(resource);
    case 'BestEffort':
      return podCount.has(resource);
    case 'VolumeAttributesClass':
      return resource === 'persistentvolumeclaims' || resource === 'requests.storage';
    default:
      return true;
  }
}

function validateQuotaResourceName(name: string, path: FieldPath): FieldError[] {
  const errors = validateResourceName(name, path);
  if (!name.includes('/') && !isStandardQuotaResourceName(name)) errors.push(invalid(path, name, 'must be a standard resource for quota'));
  return errors;
}

export const resourceQuota: KindRules = {
  prepare(object) {
    delete object['status'];
    roundResourceLists(object, [['spec', 'hard']]);
  },
  validate(object) {
    const errors = validateObjectMeta(obj(object['metadata']), { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    const spec = obj(object['spec']) ?? {};
    const hard = entries(spec['hard']);
    for (const [name, value] of hard) {
      const at = ['spec', 'hard', name];
      errors.push(...validateQuotaResourceName(name, at));
      const q = parseQuantity(value);
      if (q) errors.push(...validateResourceQuantityValue(name, q, at));
    }
    const names = hard.map(([name]) => name).sort();
    const scopes = strings(spec['scopes']);
    const conflicting = (set: ReadonlySet<string>) => (set.has('BestEffort') && set.has('NotBestEffort')) || (set.has('Terminating') && set.has('NotTerminating'));
    if (scopes.length > 0) {
      for (const scope of scopes) {
        if (!standardScopes.includes(scope)) errors.push(invalid(['spec', 'scopes'], scopes, 'unsupported scope'));
        for (const name of names) {
          if (isStandardQuotaResourceName(name) && !scopeFitsResource(scope, name)) errors.push(invalid(['spec', 'scopes'], scopes, 'unsupported scope applied to resource'));
        }
      }
      if (conflicting(new Set(scopes))) errors.push(invalid(['spec', 'scopes'], scopes, 'conflicting scopes'));
    }
    const selector = obj(spec['scopeSelector']);
    if (selector) {
      const path = ['spec', 'scopeSelector', 'matchExpressions'];
      const seen = new Set<string>();
      objects(selector['matchExpressions']).forEach((requirement, i) => {
        const at = [...path, i];
        const scope = str(requirement['scopeName']);
        const operator = str(requirement['operator']);
        const values = strings(requirement['values']);
        if (!standardScopes.includes(scope)) errors.push({ ...invalid([...path, 'scopeName'], scope, 'unsupported scope'), at: [...at, 'scopeName'] });
        for (const name of names) {
          if (isStandardQuotaResourceName(name) && !scopeFitsResource(scope, name)) errors.push({ ...invalid(path, selector, 'unsupported scope applied to resource'), at });
        }
        if (['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'].includes(scope) && operator !== 'Exists') {
          errors.push({
            ...invalid([...path, 'operator'], operator, 'must be \'Exists\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity'),
            at: [...at, 'operator'],
          });
        }
        if (operator === 'In' || operator === 'NotIn') {
          if (values.length === 0) errors.push({ ...required([...path, 'values'], "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"), at });
        } else if (operator === 'Exists' || operator === 'DoesNotExist') {
          if (values.length !== 0) errors.push({ ...invalid([...path, 'values'], values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"), at: [...at, 'values'] });
        } else {
          errors.push({ ...invalid([...path, 'operator'], operator, 'not a valid selector operator'), at: [...at, 'operator'] });
        }
        seen.add(scope);
      });
      if (conflicting(seen)) errors.push(invalid(path, scopes, 'conflicting scopes'));
    }
    return errors;
  },
};

const limitTypes = ['Pod', 'Container', 'PersistentVolumeClaim'];

export const limitRange: KindRules = {
  prepare(object) {
    for (const item of objects(obj(object['spec'])?.['limits'])) {
      roundResourceLists(item, [['max'], ['min'], ['default'], ['defaultRequest'], ['maxLimitRequestRatio']]);
      if (item['type'] !== 'Container') continue;
      // SetDefaults_LimitRangeItem: default from max, defaultRequest from default, then from min.
      const fill = (into: string, from: string) => {
        const target = (obj(item[into]) ?? (item[into] = {})) as Obj;
        for (const [key, value] of entries(item[from])) if (!Object.hasOwn(target, key)) target[key] = value;
      };
      fill('default', 'max');
      fill('defaultRequest', 'default');
      fill('defaultRequest', 'min');
    }
  },
  validate(object) {
    const errors = validateObjectMeta(obj(object['metadata']), { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    const types = new Set<string>();
    objects(obj(object['spec'])?.['limits']).forEach((item, i) => {
      const at = ['spec', 'limits', i];
      const type = str(item['type']);
      const typeErrors = isQualifiedName(type).map((m) => invalid([...at, 'type'], type, m));
      if (typeErrors.length === 0 && !type.includes('/') && !limitTypes.includes(type)) typeErrors.push(invalid([...at, 'type'], type, 'must be a standard limit type or fully qualified'));
      errors.push(...typeErrors);
      if (types.has(type)) errors.push(duplicate([...at, 'type'], type));
      types.add(type);
      const checkName = (name: string, path: FieldPath) => (type === 'Pod' || type === 'Container' ? validateContainerResourceName(name, path) : validateResourceName(name, path));
      const groups: Record<string, Map<string, Quantity>> = {};
      for (const group of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
        groups[group] = new Map();
        if (type === 'Pod' && (group === 'default' || group === 'defaultRequest')) {
          if (entries(item[group]).length > 0) errors.push(forbidden([...at, group], "may not be specified when `type` is 'Pod'"));
          continue;
        }
        for (const [name, value] of entries(item[group])) {
          errors.push(...checkName(name, [...at, group, name]));
          const q = parseQuantity(value);
          if (q) groups[group].set(name, q);
        }
      }
      if (type === 'PersistentVolumeClaim' && !Object.hasOwn(obj(item['min']) ?? {}, 'storage') && !Object.hasOwn(obj(item['max']) ?? {}, 'storage')) {
        errors.push({ ...required([...at, 'limits'], 'either minimum or maximum storage value is required, but neither was provided'), at });
      }
      errors.push(...compareLimits(groups as Record<'max' | 'min' | 'default' | 'defaultRequest' | 'maxLimitRequestRatio', Map<string, Quantity>>, at));
    });
    return errors;
  },
};

function compareLimits(g: Record<'max' | 'min' | 'default' | 'defaultRequest' | 'maxLimitRequestRatio', Map<string, Quantity>>, at: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const keys = new Set([...g.max.keys(), ...g.min.keys(), ...g.default.keys(), ...g.defaultRequest.keys(), ...g.maxLimitRequestRatio.keys()]);
  const text = canonicalQuantity;
  for (const key of keys) {
    const min = g.min.get(key);
    const max = g.max.get(key);
    const def = g.default.get(key);
    const request = g.defaultRequest.get(key);
    const ratio = g.maxLimitRequestRatio.get(key);
    if (min && max && compareQuantities(min, max) > 0) errors.push(invalid([...at, 'min', key], text(min), `min value ${text(min)} is greater than max value ${text(max)}`));
    if (request && min && compareQuantities(min, request) > 0) errors.push(invalid([...at, 'defaultRequest', key], text(request), `min value ${text(min)} is greater than default request value ${text(request)}`));
    if (request && max && compareQuantities(request, max) > 0) errors.push(invalid([...at, 'defaultRequest', key], text(request), `default request value ${text(request)} is greater than max value ${text(max)}`));
    if (request && def && compareQuantities(request, def) > 0) errors.push(invalid([...at, 'defaultRequest', key], text(request), `default request value ${text(request)} is greater than default limit value ${text(def)}`));
    if (def && min && compareQuantities(min, def) > 0) errors.push(invalid([...at, 'default', key], text(min), `min value ${text(min)} is greater than default value ${text(def)}`));
    if (def && max && compareQuantities(def, max) > 0) errors.push(invalid([...at, 'default', key], text(max), `default value ${text(def)} is greater than max value ${text(max)}`));
    if (ratio && compareQuantities(ratio, { numerator: 1n, denominator: 1n, text: '1' }) < 0) errors.push(invalid([...at, 'maxLimitRequestRatio', key], text(ratio), `ratio ${text(ratio)} is less than 1`));
    if (ratio && min && max) {
      // As Go computes it, in float64 (max/min may be negative or infinite for a bad min).
      const ratioValue = Number(ceilMilliValue(ratio)) / 1000;
      const limit = Number(ceilMilliValue(max)) / Number(ceilMilliValue(min));
      if (ratioValue > limit) {
        errors.push(invalid([...at, 'maxLimitRequestRatio', key], text(ratio), `ratio ${text(ratio)} is greater than max/min = ${limit.toFixed(6)}`));
      }
    }
    if (!isNativeResource(key) || key.startsWith('hugepages-')) {
      if (def && request && compareQuantities(def, request) !== 0) {
        errors.push(invalid([...at, 'defaultRequest', key], text(request), `default value ${text(def)} must equal to defaultRequest value ${text(request)} in ${key}`));
      }
    }
  }
  return errors;
}
