import { entries, isSet, obj, objects, str, strings, type Obj } from './access.js';
import { byteLength, isDns1035Label, isDns1123Label, isDns1123Subdomain, isLabelValue, isPathSegmentName, isQualifiedName } from './content.js';
import { forbidden, invalid, notSupported, required, tooLong, type FieldError, type FieldPath } from './field.js';

/** ObjectMeta, labels, annotations and label selectors: k8s.io/apimachinery pkg/api/validation and pkg/apis/meta/v1/validation. */

export type NameCheck = (name: string, prefix: boolean) => string[];

/** generateName may end in a dash: the suffix follows it. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

export const nameIsDnsSubdomain: NameCheck = (name, prefix) => isDns1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDnsLabel: NameCheck = (name, prefix) => isDns1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDns1035Label: NameCheck = (name, prefix) => isDns1035Label(prefix ? maskTrailingDash(name) : name);
/** RBAC names: a URL path segment, for generateName as for name (ValidateRBACName ignores `prefix`). */
export const nameIsPathSegment: NameCheck = (name) => isPathSegmentName(name);

export function validateNonnegative(value: number, path: FieldPath): FieldError[] {
  return value < 0 ? [invalid(path, value, 'must be greater than or equal to 0')] : [];
}

export function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((m) => invalid(path, name, m));
}

/** Every key and value of a label map; the API server names the map, not the key. */
export function validateLabels(labels: unknown, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const map = obj(labels);
  if (!map) return errors;
  for (const key of Object.keys(map)) {
    const value = str(map[key]);
    for (const problem of validateLabelName(key, path)) errors.push({ ...problem, at: [...path, key] });
    const valueProblems = isLabelValue(value);
    if (valueProblems.length > 0) errors.push(...valueProblems.map((m) => ({ ...invalid(path, value, m), at: [...path, key] })));
  }
  return errors;
}

export const totalAnnotationSizeLimit = 256 * 1024;

export function validateAnnotations(annotations: unknown, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  let size = 0;
  for (const [key, value] of entries(annotations)) {
    errors.push(...isQualifiedName(key.toLowerCase()).map((m) => ({ ...invalid(path, key, m), at: [...path, key] })));
    size += byteLength(key) + byteLength(str(value));
  }
  if (size > totalAnnotationSizeLimit) errors.push(tooLong(path, totalAnnotationSizeLimit));
  return errors;
}

/**
 * apimachinery's schema.ParseGroupVersion as FromAPIVersionAndKind uses it: `v1` and `/v1` are the
 * legacy group's, one slash splits group from version, and more than one is no version at all
 * (`a/b/c` is refused as "version must not be empty", not read as group `a`, version `b/c`).
 */
function parseGroupVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const slash = apiVersion.indexOf('/');
  if (slash === -1) return { group: '', version: apiVersion };
  if (apiVersion.indexOf('/', slash + 1) !== -1) return { group: '', version: '' };
  return { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function validateOwnerReferences(references: unknown, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  let controller = '';
  objects(references).forEach((ref, i) => {
    const apiVersion = str(ref['apiVersion']);
    const kind = str(ref['kind']);
    const { group, version } = parseGroupVersion(apiVersion);
    const at = [...path, i];
    if (version === '') errors.push({ ...invalid([...path, 'apiVersion'], apiVersion, 'version must not be empty'), at });
    if (kind === '') errors.push({ ...invalid([...path, 'kind'], kind, 'must not be empty'), at });
    if (str(ref['name']) === '') errors.push({ ...invalid([...path, 'name'], '', 'must not be empty'), at });
    if (str(ref['uid']) === '') errors.push({ ...invalid([...path, 'uid'], '', 'must not be empty'), at });
    if (group === '' && version === 'v1' && kind === 'Event') errors.push({ ...invalid(path, ref, '/v1, Kind=Event is disallowed from being an owner'), at });
    if (ref['controller'] === true) {
      const name = `${kind}/${str(ref['name'])}`;
      if (controller !== '') {
        errors.push({ ...invalid(path, references, `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${name}`), at });
      } else {
        controller = name;
      }
    }
  });
  return errors;
}

function validateFinalizers(finalizers: unknown, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const names = strings(finalizers);
  names.forEach((name, i) => {
    errors.push(...isQualifiedName(name).map((m) => ({ ...invalid(path, name, m), at: [...path, i] })));
  });
  if (names.includes('orphan') && names.includes('foregroundDeletion')) {
    errors.push(invalid(path, names, 'finalizer orphan and foregroundDeletion cannot be both set'));
  }
  return errors;
}

const standardFinalizers = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** pkg/apis/core/validation validateKubeFinalizerName: a finalizer without a domain must be a standard one. */
export function validateKubeFinalizerName(name: string, path: FieldPath): FieldError[] {
  return !name.includes('/') && !standardFinalizers.has(name) ? [invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified')] : [];
}

function validateManagedFields(managedFields: unknown, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  objects(managedFields).forEach((entry, i) => {
    const at = [...path, i];
    const operation = str(entry['operation']);
    if (operation !== 'Apply' && operation !== 'Update') errors.push(invalid([...at, 'operation'], operation, 'must be `Apply` or `Update`'));
    const fieldsType = str(entry['fieldsType']);
    if (fieldsType !== '' && fieldsType !== 'FieldsV1') errors.push(invalid([...at, 'fieldsType'], fieldsType, 'must be `FieldsV1`'));
    const manager = str(entry['manager']);
    if (byteLength(manager) > 128) errors.push(tooLong([...at, 'manager'], 128));
    for (const char of manager) {
      const code = char.codePointAt(0)!;
      if (code < 0x20 || (code >= 0x7f && code < 0xa0)) {
        errors.push(invalid([...at, 'manager'], manager, `invalid character U+${code.toString(16).toUpperCase().padStart(4, '0')}`));
      }
    }
    if (byteLength(str(entry['subresource'])) > 256) errors.push(tooLong([...at, 'subresource'], 256));
  });
  return errors;
}

export interface MetaOptions {
  /** Namespaced kinds need a namespace, which `kubectl apply` and the agent supply when the manifest has none. */
  namespaced: boolean;
  nameCheck: NameCheck;
}

/**
 * ValidateObjectMeta on create. A manifest usually leaves metadata.namespace
 * to the apply (the API server takes it from the request), so an absent
 * namespace is not an error here; one that is written must be a DNS label,
 * and a cluster-scoped object's namespace is ignored by the server.
 */
export function validateObjectMeta(metadata: Obj | undefined, options: MetaOptions, path: FieldPath): FieldError[] {
  const meta = metadata ?? {};
  const errors: FieldError[] = [];
  const generateName = str(meta['generateName']);
  if (generateName !== '') {
    errors.push(...options.nameCheck(generateName, true).map((m) => invalid([...path, 'generateName'], generateName, m)));
  }
  const name = str(meta['name']);
  if (name === '') errors.push(required([...path, 'name'], 'name or generateName is required'));
  else errors.push(...options.nameCheck(name, false).map((m) => invalid([...path, 'name'], name, m)));
  const namespace = str(meta['namespace']);
  if (options.namespaced && namespace !== '') {
    errors.push(...isDns1123Label(namespace).map((m) => invalid([...path, 'namespace'], namespace, m)));
  }
  if (typeof meta['generation'] === 'number' && meta['generation'] < 0) errors.push(...validateNonnegative(meta['generation'], [...path, 'generation']));
  // Each check below finds nothing in a field that is absent: most metadata has labels at most.
  if (isSet(meta['labels'])) errors.push(...validateLabels(meta['labels'], [...path, 'labels']));
  if (isSet(meta['annotations'])) errors.push(...validateAnnotations(meta['annotations'], [...path, 'annotations']));
  if (isSet(meta['ownerReferences'])) errors.push(...validateOwnerReferences(meta['ownerReferences'], [...path, 'ownerReferences']));
  if (isSet(meta['finalizers'])) errors.push(...validateFinalizers(meta['finalizers'], [...path, 'finalizers']));
  if (isSet(meta['managedFields'])) errors.push(...validateManagedFields(meta['managedFields'], [...path, 'managedFields']));
  // Core's ValidateObjectMeta adds this, and every kind in scope goes through a path that applies it.
  strings(meta['finalizers']).forEach((name, i) => errors.push(...validateKubeFinalizerName(name, [...path, 'finalizers', i])));
  return errors;
}

/** The generic path-segment check BeforeCreate runs after the kind's own validation passed. */
export function validateNameIsPathSegment(metadata: Obj | undefined): FieldError[] {
  const name = str(metadata?.['name']);
  return name === '' ? [] : isPathSegmentName(name).map((m) => invalid(['metadata', 'name'], name, m));
}

export interface SelectorOptions {
  allowInvalidLabelValue?: boolean;
}

export function validateLabelSelector(selector: unknown, path: FieldPath, options: SelectorOptions = {}): FieldError[] {
  const ps = obj(selector);
  if (!ps) return [];
  const errors = validateLabels(ps['matchLabels'], [...path, 'matchLabels']);
  objects(ps['matchExpressions']).forEach((expression, i) => {
    errors.push(...validateSelectorRequirement(expression, [...path, 'matchExpressions', i], options));
  });
  return errors;
}

function validateSelectorRequirement(requirement: Obj, path: FieldPath, options: SelectorOptions): FieldError[] {
  const errors: FieldError[] = [];
  const operator = str(requirement['operator']);
  const values = strings(requirement['values']);
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length === 0) errors.push(required([...path, 'values'], "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (operator === 'Exists' || operator === 'DoesNotExist') {
    if (values.length > 0) errors.push(forbidden([...path, 'values'], "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  } else {
    errors.push(invalid([...path, 'operator'], operator, 'not a valid selector operator'));
  }
  errors.push(...validateLabelName(str(requirement['key']), [...path, 'key']));
  if (!options.allowInvalidLabelValue) {
    values.forEach((value, i) => errors.push(...isLabelValue(value).map((m) => invalid([...path, 'values', i], value, m))));
  }
  return errors;
}

export type Selector = (labels: Record<string, string>) => boolean;

/**
 * metav1.LabelSelectorAsSelector: undefined when the selector cannot be
 * converted (an invalid key, value or operator), like the Go error. An absent
 * selector matches nothing; an empty one matches everything.
 */
export function selectorOf(selector: unknown): Selector | undefined {
  const ps = obj(selector);
  if (!ps) return () => false;
  const tests: Selector[] = [];
  for (const [key, raw] of entries(ps['matchLabels'])) {
    const value = str(raw);
    if (isQualifiedName(key).length > 0 || isLabelValue(value).length > 0) return undefined;
    tests.push((labels) => labels[key] === value);
  }
  for (const expression of objects(ps['matchExpressions'])) {
    const key = str(expression['key']);
    const values = strings(expression['values']);
    const operator = str(expression['operator']);
    if (isQualifiedName(key).length > 0 || values.some((v) => isLabelValue(v).length > 0)) return undefined;
    const has = (labels: Record<string, string>) => Object.hasOwn(labels, key);
    if (operator === 'In' && values.length > 0) tests.push((labels) => has(labels) && values.includes(labels[key]!));
    else if (operator === 'NotIn' && values.length > 0) tests.push((labels) => !has(labels) || !values.includes(labels[key]!));
    else if (operator === 'Exists' && values.length === 0) tests.push(has);
    else if (operator === 'DoesNotExist' && values.length === 0) tests.push((labels) => !has(labels));
    else return undefined;
  }
  return (labels) => tests.every((test) => test(labels));
}

export function isEmptySelector(selector: unknown): boolean {
  const ps = obj(selector);
  return !ps || (entries(ps['matchLabels']).length === 0 && objects(ps['matchExpressions']).length === 0);
}

export function labelsOf(value: unknown): Record<string, string> {
  const labels: Record<string, string> = {};
  const map = obj(value);
  if (!map) return labels;
  for (const key of Object.keys(map)) {
    // As Object.fromEntries would: a `__proto__` key is data, defined rather than assigned.
    if (key === '__proto__') Object.defineProperty(labels, key, { value: str(map[key]), enumerable: true, writable: true, configurable: true });
    else labels[key] = str(map[key]);
  }
  return labels;
}

export { notSupported };
