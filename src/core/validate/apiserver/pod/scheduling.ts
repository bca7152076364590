import { entries, isSet, num, obj, objects, str, strings, type Obj } from '../access.js';
import { byteLength, isDns1123Label, isDns1123Subdomain, isLabelValue, isQualifiedName } from '../content.js';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from '../field.js';
import { validateLegacyIp } from '../ip.js';
import { validateLabelName, validateLabelSelector } from '../meta.js';
import type { PodOptions } from './options.js';

/** Affinity, tolerations, topology spread, DNS config and the other scheduling fields of a pod spec. */

function validateNodeSelectorRequirement(requirement: Obj, allowInvalidValue: boolean, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const operator = str(requirement['operator']);
  const values = strings(requirement['values']);
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length === 0) errors.push(required([...path, 'values'], "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (operator === 'Exists' || operator === 'DoesNotExist') {
    if (values.length > 0) errors.push(forbidden([...path, 'values'], "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else if (operator === 'Gt' || operator === 'Lt') {
    if (values.length !== 1) errors.push(required([...path, 'values'], "must be specified single value when `operator` is 'Lt' or 'Gt'"));
  } else {
    errors.push(invalid([...path, 'operator'], operator, 'not a valid selector operator'));
  }
  errors.push(...validateLabelName(str(requirement['key']), [...path, 'key']));
  if (!allowInvalidValue) values.forEach((value, i) => errors.push(...isLabelValue(value).map((m) => invalid([...path, 'values', i], value, m))));
  return errors;
}

function validateNodeFieldSelectorRequirement(requirement: Obj, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const operator = str(requirement['operator']);
  const values = strings(requirement['values']);
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length !== 1) errors.push(required([...path, 'values'], "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else {
    errors.push(invalid([...path, 'operator'], operator, 'not a valid selector operator'));
  }
  const key = str(requirement['key']);
  if (key !== 'metadata.name') errors.push(invalid([...path, 'key'], key, 'not a valid field selector key'));
  else values.forEach((value, i) => errors.push(...isDns1123Subdomain(value).map((m) => invalid([...path, 'values', i], value, m))));
  return errors;
}

function validateNodeSelectorTerm(term: Obj, allowInvalidValue: boolean, path: FieldPath): FieldError[] {
  return [
    ...objects(term['matchExpressions']).flatMap((r, j) => validateNodeSelectorRequirement(r, allowInvalidValue, [...path, 'matchExpressions', j])),
    ...objects(term['matchFields']).flatMap((r, j) => validateNodeFieldSelectorRequirement(r, [...path, 'matchFields', j])),
  ];
}

function validatePodAffinityTerm(term: Obj, path: FieldPath): FieldError[] {
  const errors = [...validateLabelSelector(term['labelSelector'], [...path, 'labelSelector']), ...validateLabelSelector(term['namespaceSelector'], [...path, 'namespaceSelector'])];
  strings(term['namespaces']).forEach((name, i) => {
    errors.push(...isDns1123Label(name).map((m) => ({ ...invalid([...path, 'namespace'], name, m), at: [...path, 'namespaces', i] })));
  });
  errors.push(...validateMatchAndMismatchLabelKeys(path, strings(term['matchLabelKeys']), strings(term['mismatchLabelKeys']), term['labelSelector']));
  const topologyKey = str(term['topologyKey']);
  if (topologyKey === '') errors.push(required([...path, 'topologyKey'], 'can not be empty'));
  errors.push(...validateLabelName(topologyKey, [...path, 'topologyKey']));
  return errors;
}

function validateWeightedTerms(terms: unknown, path: FieldPath, validateTerm: (term: Obj, at: FieldPath) => FieldError[], termKey: string): FieldError[] {
  return objects(terms).flatMap((weighted, j) => {
    const weight = num(weighted['weight']);
    const errors = weight <= 0 || weight > 100 ? [invalid([...path, j, 'weight'], weight, 'must be in the range 1-100')] : [];
    return [...errors, ...validateTerm(obj(weighted[termKey]) ?? {}, [...path, j, termKey])];
  });
}

export function validateAffinity(affinity: unknown, path: FieldPath): FieldError[] {
  const a = obj(affinity);
  if (!a) return [];
  const errors: FieldError[] = [];
  const node = obj(a['nodeAffinity']);
  if (node) {
    const requiredTerms = obj(node['requiredDuringSchedulingIgnoredDuringExecution']);
    const at = [...path, 'nodeAffinity'];
    if (requiredTerms) {
      const termsPath = [...at, 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms'];
      const terms = objects(requiredTerms['nodeSelectorTerms']);
      if (terms.length === 0) errors.push(required(termsPath, 'must have at least one node selector term'));
      terms.forEach((term, i) => errors.push(...validateNodeSelectorTerm(term, false, [...termsPath, i])));
    }
    // Preferred node affinity always allows invalid label values: it can match on a one-node cluster.
    errors.push(...validateWeightedTerms(node['preferredDuringSchedulingIgnoredDuringExecution'], [...at, 'preferredDuringSchedulingIgnoredDuringExecution'], (t, p) => validateNodeSelectorTerm(t, true, p), 'preference'));
  }
  for (const key of ['podAffinity', 'podAntiAffinity']) {
    const pod = obj(a[key]);
    if (!pod) continue;
    const at = [...path, key];
    objects(pod['requiredDuringSchedulingIgnoredDuringExecution']).forEach((term, i) => {
      errors.push(...validatePodAffinityTerm(term, [...at, 'requiredDuringSchedulingIgnoredDuringExecution', i]));
    });
    errors.push(...validateWeightedTerms(pod['preferredDuringSchedulingIgnoredDuringExecution'], [...at, 'preferredDuringSchedulingIgnoredDuringExecution'], validatePodAffinityTerm, 'podAffinityTerm'));
  }
  return errors;
}

function validateLabelKeys(path: FieldPath, keys: string[], selector: unknown): FieldError[] {
  if (keys.length === 0) return [];
  if (!isSet(selector)) return [forbidden(path, 'must not be specified when labelSelector is not set')];
  return keys.flatMap((key, i) => validateLabelName(key, [...path, i]));
}

function validateMatchAndMismatchLabelKeys(path: FieldPath, match: string[], mismatch: string[], selector: unknown): FieldError[] {
  const errors = [...validateLabelKeys([...path, 'matchLabelKeys'], match, selector), ...validateLabelKeys([...path, 'mismatchLabelKeys'], mismatch, selector)];
  const ps = obj(selector);
  if (ps) {
    const indexOf = new Map(match.map((key, i) => [key, i]));
    const selectorKeys = new Set(entries(ps['matchLabels']).map(([k]) => k));
    for (const expression of objects(ps['matchExpressions'])) {
      const key = str(expression['key']);
      const i = indexOf.get(key);
      // The API server names this field by the path and index alone.
      if (i !== undefined && selectorKeys.has(key)) errors.push({ ...invalid([...path, i], key, 'exists in both matchLabelKeys and labelSelector'), at: [...path, 'matchLabelKeys', i] });
      selectorKeys.add(key);
    }
  }
  const mismatchSet = new Set(mismatch);
  match.forEach((key, i) => {
    if (mismatchSet.has(key)) errors.push(invalid([...path, 'matchLabelKeys', i], key, 'exists in both matchLabelKeys and mismatchLabelKeys'));
  });
  return errors;
}

function validateMatchLabelKeysLegacy(path: FieldPath, keys: string[], selector: unknown): FieldError[] {
  if (keys.length === 0) return [];
  const errors: FieldError[] = [];
  const ps = obj(selector);
  const selectorKeys = new Set<string>();
  if (ps) {
    for (const [k] of entries(ps['matchLabels'])) selectorKeys.add(k);
    for (const e of objects(ps['matchExpressions'])) selectorKeys.add(str(e['key']));
  } else {
    errors.push(forbidden(path, 'must not be specified when labelSelector is not set'));
  }
  keys.forEach((key, i) => {
    errors.push(...validateLabelName(key, [...path, i]));
    if (selectorKeys.has(key)) errors.push(invalid([...path, i], key, 'exists in both matchLabelKeys and labelSelector'));
  });
  return errors;
}

export function validateTopologySpreadConstraints(value: unknown, path: FieldPath, options: PodOptions): FieldError[] {
  const errors: FieldError[] = [];
  const constraints = objects(value);
  constraints.forEach((constraint, i) => {
    const at = [...path, i];
    const maxSkew = num(constraint['maxSkew']);
    if (maxSkew <= 0) errors.push(invalid([...at, 'maxSkew'], maxSkew, 'must be greater than zero'));
    const topologyKey = str(constraint['topologyKey']);
    if (topologyKey === '') errors.push(required([...at, 'topologyKey'], 'can not be empty'));
    const action = str(constraint['whenUnsatisfiable']);
    if (action !== 'DoNotSchedule' && action !== 'ScheduleAnyway') errors.push(notSupported([...at, 'whenUnsatisfiable'], action, ['DoNotSchedule', 'ScheduleAnyway']));
    const repeated = constraints.slice(i + 1).some((other) => str(other['topologyKey']) === topologyKey && str(other['whenUnsatisfiable']) === action);
    if (repeated) errors.push({ ...duplicate([...at, '{topologyKey, whenUnsatisfiable}'], `{${topologyKey}, ${action}}`), at: [...at, 'topologyKey'] });
    if (isSet(constraint['minDomains'])) {
      const minDomains = num(constraint['minDomains']);
      if (minDomains <= 0) errors.push(invalid([...at, 'minDomains'], minDomains, 'must be greater than zero'));
      if (action !== 'DoNotSchedule') errors.push(invalid([...at, 'minDomains'], minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
    }
    for (const policy of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (isSet(constraint[policy]) && !['Honor', 'Ignore'].includes(str(constraint[policy]))) {
        errors.push(notSupported([...at, policy], str(constraint[policy]), ['Honor', 'Ignore']));
      }
    }
    const keys = strings(constraint['matchLabelKeys']);
    if (options.allowMatchLabelKeysInTopologySpread && options.matchLabelKeysSelectorMerge) {
      errors.push(...validateMatchAndMismatchLabelKeys(at, keys, [], constraint['labelSelector']));
    } else {
      errors.push(...validateMatchLabelKeysLegacy([...at, 'matchLabelKeys'], keys, constraint['labelSelector']));
    }
    errors.push(...validateLabelSelector(constraint['labelSelector'], [...at, 'labelSelector']));
  });
  return errors;
}

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

export function validateTolerations(value: unknown, path: FieldPath, options: PodOptions): FieldError[] {
  const errors: FieldError[] = [];
  objects(value).forEach((toleration, i) => {
    const at = [...path, i];
    const key = str(toleration['key']);
    const operator = str(toleration['operator']);
    const effect = str(toleration['effect']);
    const tolerationValue = str(toleration['value']);
    if (key !== '') errors.push(...validateLabelName(key, [...at, 'key']));
    if (key === '' && operator !== 'Exists') {
      errors.push(invalid([...at, 'operator'], operator, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (isSet(toleration['tolerationSeconds']) && effect !== 'NoExecute') {
      errors.push(invalid([...at, 'effect'], effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (operator === 'Equal' || operator === '') {
      const problems = isLabelValue(tolerationValue);
      if (problems.length > 0) errors.push({ ...invalid([...at, 'operator'], tolerationValue, problems.join(';')), at: [...at, 'value'] });
    } else if (operator === 'Exists') {
      if (tolerationValue !== '') errors.push({ ...invalid([...at, 'operator'], tolerationValue, "value must be empty when `operator` is 'Exists'"), at: [...at, 'value'] });
    } else if ((operator === 'Lt' || operator === 'Gt') && options.allowTaintComparisonOperators) {
      if (!/^-?(0|[1-9][0-9]*)$/.test(tolerationValue) || tolerationValue === '-0') errors.push(invalid([...at, 'value'], tolerationValue, 'must be a valid decimal integer in canonical form'));
    } else {
      errors.push(notSupported([...at, 'operator'], operator, operator === 'Lt' || operator === 'Gt' ? ['Equal', 'Exists', 'Lt', 'Gt'] : ['Equal', 'Exists']));
    }
    if (effect !== '' && !taintEffects.includes(effect)) errors.push(notSupported([...at, 'effect'], effect, taintEffects));
  });
  return errors;
}

export function validateDnsConfig(config: unknown, dnsPolicy: string, path: FieldPath, options: PodOptions): FieldError[] {
  const dns = obj(config);
  if (dnsPolicy === 'None') {
    if (!dns) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (strings(dns['nameservers']).length === 0) return [required([...path, 'nameservers'], 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!dns) return [];
  const errors: FieldError[] = [];
  const nameservers = strings(dns['nameservers']);
  if (nameservers.length > 3) errors.push(invalid([...path, 'nameservers'], nameservers, 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => errors.push(...validateLegacyIp([...path, 'nameservers', i], ns, options.strictIp)));
  const searches = strings(dns['searches']);
  if (searches.length > 32) errors.push(invalid([...path, 'searches'], searches, 'must not have more than 32 search paths'));
  if (byteLength(searches.join(' ')) > 2048) errors.push(invalid([...path, 'searches'], searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  searches.forEach((search, i) => {
    if (options.allowRelaxedDnsSearch) {
      if (search !== '.') errors.push(...isDns1123SubdomainWithUnderscore(search.replace(/\.$/, '')).map((m) => invalid([...path, 'searches', i], search.replace(/\.$/, ''), m)));
    } else {
      errors.push(...isDns1123Subdomain(search.replace(/\.$/, '')).map((m) => invalid([...path, 'searches', i], search.replace(/\.$/, ''), m)));
    }
  });
  objects(dns['options']).forEach((option, i) => {
    if (str(option['name']) === '') errors.push(required([...path, 'options', i], 'must not be empty'));
  });
  return errors;
}

const underscoreLabel = '_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const underscoreSubdomain = new RegExp(`^${underscoreLabel}(\\.${underscoreLabel})*$`);

function isDns1123SubdomainWithUnderscore(value: string): string[] {
  const errors: string[] = [];
  if (byteLength(value) > 253) errors.push('must be no more than 253 characters');
  if (!underscoreSubdomain.test(value)) {
    errors.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character " +
        `(e.g. 'example.com', regex used for validation is '${underscoreLabel}(\\.${underscoreLabel})*')`,
    );
  }
  return errors;
}

export function validateHostAliases(value: unknown, path: FieldPath, options: PodOptions): FieldError[] {
  return objects(value).flatMap((alias, i) => [
    ...validateLegacyIp([...path, i, 'ip'], str(alias['ip']), options.strictIp),
    ...strings(alias['hostnames']).flatMap((host, j) => isDns1123Subdomain(host).map((m) => invalid([...path, i, 'hostnames', j], host, m))),
  ]);
}

export function validateReadinessGates(value: unknown, path: FieldPath): FieldError[] {
  return objects(value).flatMap((gate, i) => isQualifiedName(str(gate['conditionType'])).map((m) => invalid([...path, i, 'conditionType'], str(gate['conditionType']), m)));
}

export function validateSchedulingGates(value: unknown, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  objects(value).forEach((gate, i) => {
    const name = str(gate['name']);
    errors.push(...isQualifiedName(name).map((m) => ({ ...invalid([...path, i], name, m), at: [...path, i, 'name'] })));
    if (seen.has(name)) errors.push({ ...duplicate([...path, i], name), at: [...path, i, 'name'] });
    seen.add(name);
  });
  return errors;
}

export function validateImagePullSecrets(value: unknown, path: FieldPath): FieldError[] {
  return objects(value).flatMap((secret, i) => (Object.keys(secret).some((k) => k !== 'name' && isSet(secret[k])) ? [invalid([...path, i], secret, 'only name may be set')] : []));
}
