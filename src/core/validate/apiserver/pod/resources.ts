import { entries, isSet, obj, objects, str, type Obj } from '../access.js';
import { isDns1123Label, isQualifiedName } from '../content.js';
import { duplicate, forbidden, invalid, notFound, notSupported, required, type FieldError, type FieldPath } from '../field.js';
import { ceilMilliValue, ceilValue, compareQuantities, parseQuantity, signOf, type Quantity } from '../quantity.js';
import type { PodOptions } from './options.js';

/** Resource names and quantities: core/helper and validateResourceRequirements in pkg/apis/core/validation. */

const hugePagesPrefix = 'hugepages-';
const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const standardResources = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services',
  'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'storage', 'requests.storage',
  'services.nodeports', 'services.loadbalancers',
]);
export const standardQuotaResources = new Set([
  'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers',
  'secrets', 'persistentvolumeclaims', 'configmaps', 'services.nodeports', 'services.loadbalancers',
]);
const integerResources = new Set(['pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);

export const isHugePages = (name: string): boolean => name.startsWith(hugePagesPrefix);
const isQuotaHugePages = (name: string): boolean => name.startsWith(hugePagesPrefix) || name.startsWith('requests.hugepages-');
export const isNativeResource = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');
const isOvercommitAllowed = (name: string): boolean => isNativeResource(name) && !isHugePages(name);

export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

export function isStandardQuotaResourceName(name: string): boolean {
  return standardQuotaResources.has(name) || isQuotaHugePages(name);
}

function isIntegerResource(name: string): boolean {
  return integerResources.has(name) || isExtendedResourceName(name);
}

export function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errors = isQualifiedName(name).map((m) => invalid(path, name, m));
  if (errors.length > 0) return errors;
  if (!name.includes('/') && !(standardResources.has(name) || isQuotaHugePages(name))) {
    errors.push(invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
  return errors;
}

export function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errors = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!(standardContainerResources.has(name) || isHugePages(name))) errors.push(invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errors.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errors;
}

function validatePodResourceName(name: string, path: FieldPath): FieldError[] {
  const errors = validateResourceName(name, path);
  if (errors.length > 0) return errors;
  if (!(name === 'cpu' || name === 'memory' || isHugePages(name))) errors.push(notSupported(path, name, ['cpu', 'hugepages-', 'memory']));
  return errors;
}

export function validateNonnegativeQuantity(q: Quantity, path: FieldPath): FieldError[] {
  return signOf(q) < 0 ? [invalid(path, q.text, 'must be greater than or equal to 0')] : [];
}

export function validateResourceQuantityValue(name: string, q: Quantity, path: FieldPath): FieldError[] {
  const errors = validateNonnegativeQuantity(q, path);
  if (isIntegerResource(name) && ceilMilliValue(q) % 1000n !== 0n) errors.push(invalid(path, q.text, 'must be an integer'));
  return errors;
}

/** A hugepages-<size> quantity must be a whole number of pages. */
function hugePagesProblem(name: string, q: Quantity, options: PodOptions): string | undefined {
  if (!isHugePages(name) || options.allowIndivisibleHugePages) return undefined;
  const pageSize = parseQuantity(name.slice(hugePagesPrefix.length));
  const divisible =
    pageSize !== undefined && signOf(pageSize) > 0 && ceilMilliValue(pageSize) % 1000n === 0n && ceilValue(q) % ceilValue(pageSize) === 0n;
  return divisible ? undefined : `${q.text} is not positive integer multiple of ${name}`;
}

type NameCheck = (name: string, path: FieldPath) => FieldError[];

/** validateResourceRequirements: names, quantities, requests ≤ limits, hugepages, claims. */
export function validateResourceRequirements(
  requirements: Obj | undefined,
  podClaimNames: ReadonlySet<string>,
  path: FieldPath,
  options: PodOptions,
  nameCheck: NameCheck = validateContainerResourceName,
): FieldError[] {
  const errors: FieldError[] = [];
  if (!requirements) return errors;
  const limits = new Map(quantities(requirements['limits']));
  let hasCpuOrMemory = false;
  let hasHugePages = false;
  for (const [name, q] of limits) {
    const at = [...path, 'limits', name];
    errors.push(...nameCheck(name, at));
    if (q) errors.push(...validateResourceQuantityValue(name, q, at));
    if (isHugePages(name)) {
      hasHugePages = true;
      const problem = q && hugePagesProblem(name, q, options);
      if (problem && q) errors.push(invalid(at, q.text, problem));
    }
    if (name === 'cpu' || name === 'memory') hasCpuOrMemory = true;
  }
  for (const [name, q] of quantities(requirements['requests'])) {
    const at = [...path, 'requests', name];
    errors.push(...nameCheck(name, at));
    if (!q) continue;
    errors.push(...validateResourceQuantityValue(name, q, at));
    const limit = limits.get(name);
    if (limits.has(name) && limit) {
      const order = compareQuantities(q, limit);
      if (order !== 0 && !isOvercommitAllowed(name)) {
        errors.push({ ...invalid([...path, 'requests'], q.text, `must be equal to ${name} limit of ${limit.text}`), at });
      } else if (order > 0) {
        errors.push({ ...invalid([...path, 'requests'], q.text, `must be less than or equal to ${name} limit of ${limit.text}`), at });
      }
    } else if (!limits.has(name) && !isOvercommitAllowed(name)) {
      errors.push({ ...required([...path, 'limits'], 'Limit must be set for non overcommitable resources'), at });
    }
    if (isHugePages(name)) {
      hasHugePages = true;
      const problem = hugePagesProblem(name, q, options);
      if (problem) errors.push(invalid(at, q.text, problem));
    }
    if (name === 'cpu' || name === 'memory') hasCpuOrMemory = true;
  }
  if (!hasCpuOrMemory && hasHugePages) errors.push(forbidden(path, 'HugePages require cpu or memory'));
  if (isSet(requirements['claims'])) errors.push(...validateResourceClaimNames(requirements['claims'], podClaimNames, [...path, 'claims']));
  return errors;
}

export function validatePodLevelResources(requirements: Obj | undefined, podClaimNames: ReadonlySet<string>, path: FieldPath, options: PodOptions): FieldError[] {
  return validateResourceRequirements(requirements, podClaimNames, path, options, validatePodResourceName);
}

function quantities(value: unknown): [string, Quantity | undefined][] {
  return entries(value).map(([name, raw]) => [name, parseQuantity(raw)]);
}

function validateResourceClaimNames(claims: unknown, podClaimNames: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  objects(claims).forEach((claim, i) => {
    const name = str(claim['name']);
    const request = str(claim['request']);
    if (name === '') {
      errors.push(required([...path, i]));
      return;
    }
    if (names.has(name)) {
      errors.push(duplicate([...path, i], name));
    } else {
      let key = name;
      if (request !== '') {
        errors.push(...isDns1123Label(request).map((m) => invalid([...path, i, 'request'], request, m)));
        key += `/${request}`;
      }
      if (names.has(key)) errors.push(duplicate([...path, i], key));
      else if (request === '') {
        for (const seen of names) if (seen.includes('/') && seen.slice(0, seen.indexOf('/')) === name) errors.push(duplicate([...path, i], name));
      }
      names.add(key);
    }
    if (!podClaimNames.has(name)) {
      const known = [...podClaimNames].sort();
      errors.push({
        ...notFound([...path, i], name),
        detail: `must be one of the names in pod.spec.resourceClaims${known.length === 0 ? ' which is empty' : `: ${known.join(', ')}`}`,
      });
    }
  });
  return errors;
}

/** Pod-level requests ≥ the containers' aggregate requests (and hugepage limits); container limits ≤ pod-level limits. */
export function validatePodResourceConsistency(spec: Obj, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const specPath = path.slice(0, -1);
  const podResources = obj(spec['resources']);
  const podRequests = new Map(quantities(podResources?.['requests']));
  const podLimits = new Map(quantities(podResources?.['limits']));
  for (const [name, total] of aggregate(spec, 'requests')) {
    const podRequest = podRequests.get(name);
    if (podRequest && compareQuantities(total, podRequest) > 0) {
      errors.push(invalid([...path, 'requests', name], podRequest.text, `must be greater than or equal to aggregate container requests of ${format(total)}`));
    }
  }
  for (const [name, total] of aggregate(spec, 'limits')) {
    const podLimit = podLimits.get(name);
    if (isHugePages(name) && podLimit && compareQuantities(total, podLimit) > 0) {
      errors.push(invalid([...path, 'limits', name], podLimit.text, `must be greater than or equal to aggregate container limits of ${format(total)}`));
    }
  }
  objects(spec['containers']).forEach((container, i) => {
    for (const [name, q] of quantities(obj(container['resources'])?.['limits'])) {
      const podLimit = podLimits.get(name);
      if (q && podLimit && compareQuantities(q, podLimit) > 0) {
        errors.push({
          // The API server names this field …resources.containers[i].<name>.limits.
          ...invalid([...path, 'containers', i, name, 'limits'], q.text, `must be less than or equal to pod limits of ${podLimit.text}`),
          at: [...specPath, 'containers', i, 'resources', 'limits', name],
        });
      }
    }
  });
  return errors;
}

/**
 * What a pod needs at most (component-helpers AggregateContainerRequests):
 * the regular containers and sidecars together, or any init container plus
 * the sidecars started before it, whichever is more, per resource.
 */
function aggregate(spec: Obj, field: 'requests' | 'limits'): Map<string, Quantity> {
  const totals = new Map<string, Quantity>();
  const addTo = (into: Map<string, Quantity>, from: Map<string, Quantity>) => {
    for (const [name, q] of from) into.set(name, add(into.get(name), q));
  };
  const of = (container: Obj) => new Map(quantities(obj(container['resources'])?.[field]).filter((e): e is [string, Quantity] => e[1] !== undefined));
  for (const container of objects(spec['containers'])) addTo(totals, of(container));
  const sidecars = new Map<string, Quantity>();
  const initPeak = new Map<string, Quantity>();
  for (const container of objects(spec['initContainers'])) {
    let use: Map<string, Quantity>;
    if (container['restartPolicy'] === 'Always') {
      addTo(totals, of(container));
      addTo(sidecars, of(container));
      use = sidecars;
    } else {
      use = new Map(of(container));
      addTo(use, sidecars);
    }
    for (const [name, q] of use) {
      const peak = initPeak.get(name);
      if (!peak || compareQuantities(q, peak) > 0) initPeak.set(name, q);
    }
  }
  for (const [name, q] of initPeak) {
    const total = totals.get(name);
    if (!total || compareQuantities(q, total) > 0) totals.set(name, q);
  }
  return totals;
}

function add(a: Quantity | undefined, b: Quantity): Quantity {
  if (!a) return b;
  return { numerator: a.numerator * b.denominator + b.numerator * a.denominator, denominator: a.denominator * b.denominator, text: '' };
}

function format(q: Quantity): string {
  if (q.text) return q.text;
  if (q.numerator % q.denominator === 0n) return String(q.numerator / q.denominator);
  return `${(q.numerator * 1000n) / q.denominator}m`;
}
