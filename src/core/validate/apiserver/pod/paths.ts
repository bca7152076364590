import { isSet, obj, str, type Obj } from '../access.js';
import { isQualifiedName } from '../content.js';
import { invalid, notSupported, required, type FieldError, type FieldPath } from '../field.js';
import { canonicalQuantity, parseQuantity, signOf } from '../quantity.js';
import type { PodOptions } from './options.js';

/** File paths inside volumes, key-to-path projections and downward API files. */

const fileModeError = 'must be a number between 0 and 0777 (octal), both inclusive';

export function validatePathNoBacksteps(target: string, path: FieldPath): FieldError[] {
  return target.replace(/\\/g, '/').split('/').includes('..') ? [invalid(path, target, "must not contain '..'")] : [];
}

export function validateLocalDescendingPath(target: string, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  if (target.startsWith('/')) errors.push(invalid(path, target, 'must be a relative path'));
  errors.push(...validatePathNoBacksteps(target, path));
  return errors;
}

export function validateLocalNonReservedPath(target: string, path: FieldPath): FieldError[] {
  const errors = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errors.push(invalid(path, target, "must not start with '..'"));
  return errors;
}

export function validateKeyToPath(item: Obj, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  if (str(item['key']) === '') errors.push(required([...path, 'key']));
  const target = str(item['path']);
  if (target === '') errors.push(required([...path, 'path']));
  errors.push(...validateLocalNonReservedPath(target, [...path, 'path']));
  const mode = item['mode'];
  if (typeof mode === 'number' && (mode > 0o777 || mode < 0)) errors.push(invalid([...path, 'mode'], mode, fileModeError));
  return errors;
}

const volumeFieldPaths = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
export const envFieldPaths = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const downwardLabels = new Set([
  'metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.restartPolicy',
  'spec.serviceAccountName', 'spec.schedulerName', 'status.phase', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs', 'spec.host',
]);

/** `metadata.labels['app']` → ['metadata.labels', 'app']. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const inner = fieldPath.slice(0, -2);
  const at = inner.indexOf("['");
  if (at <= 0) return undefined;
  return [inner.slice(0, at), inner.slice(at + 2)];
}

export function validateObjectFieldSelector(selector: Obj, allowed: readonly string[], path: FieldPath): FieldError[] {
  const apiVersion = str(selector['apiVersion']);
  const fieldPath = str(selector['fieldPath']);
  if (apiVersion === '') return [required([...path, 'apiVersion'])];
  if (fieldPath === '') return [required([...path, 'fieldPath'])];
  const subscripted = splitSubscript(fieldPath);
  let conversionError: string | undefined;
  if (apiVersion !== 'v1') conversionError = `unsupported pod version: ${apiVersion}`;
  else if (subscripted) {
    if (subscripted[0] !== 'metadata.annotations' && subscripted[0] !== 'metadata.labels') conversionError = `field label does not support subscript: ${fieldPath}`;
  } else if (!downwardLabels.has(fieldPath)) conversionError = `field label not supported: ${fieldPath}`;
  if (conversionError) return [invalid([...path, 'fieldPath'], fieldPath, `error converting fieldPath: ${conversionError}`)];
  const internal = fieldPath === 'spec.host' ? 'spec.nodeName' : fieldPath;
  if (subscripted) {
    const [base, key] = subscripted;
    const name = base === 'metadata.annotations' ? key.toLowerCase() : key;
    return isQualifiedName(name).map((m) => ({ ...invalid(path, name, m), at: [...path, 'fieldPath'] }));
  }
  if (!allowed.includes(internal)) return [notSupported([...path, 'fieldPath'], internal, [...allowed].sort())];
  return [];
}

const resourceFieldPaths = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];
const memoryDivisors = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];

export function validateResourceFieldSelector(selector: Obj, path: FieldPath, volume: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const resource = str(selector['resource']);
  if (volume && str(selector['containerName']) === '') errors.push(required([...path, 'containerName']));
  else if (resource === '') errors.push(required([...path, 'resource']));
  else if (!resourceFieldPaths.includes(resource) && !resource.startsWith('requests.hugepages-') && !resource.startsWith('limits.hugepages-')) {
    errors.push(notSupported([...path, 'resource'], resource, resourceFieldPaths));
  }
  const divisor = isSet(selector['divisor']) ? parseQuantity(selector['divisor']) : undefined;
  if (divisor && signOf(divisor) !== 0) {
    const text = canonicalQuantity(divisor);
    const at = [...path, 'divisor'];
    if ((resource === 'limits.cpu' || resource === 'requests.cpu') && text !== '1m' && text !== '1') {
      errors.push(invalid(at, resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
    } else if ((resource === 'limits.memory' || resource === 'requests.memory') && !memoryDivisors.includes(text)) {
      errors.push(invalid(at, resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"));
    } else if ((resource === 'limits.ephemeral-storage' || resource === 'requests.ephemeral-storage') && !memoryDivisors.includes(text)) {
      errors.push(invalid(at, resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource"));
    }
    if ((resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-')) && !memoryDivisors.includes(text)) {
      errors.push(invalid(at, resource, "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the hugepages resource"));
    }
  }
  return errors;
}

/** A file of a downwardAPI volume or projection; the API server reports its problems at the volume, not the item. */
export function validateDownwardApiVolumeFile(file: Obj, path: FieldPath, _options: PodOptions): FieldError[] {
  const errors: FieldError[] = [];
  const target = str(file['path']);
  if (target === '') errors.push(required([...path, 'path']));
  errors.push(...validateLocalNonReservedPath(target, [...path, 'path']));
  const fieldRef = obj(file['fieldRef']);
  const resourceFieldRef = obj(file['resourceFieldRef']);
  if (fieldRef) {
    errors.push(...validateObjectFieldSelector(fieldRef, volumeFieldPaths, [...path, 'fieldRef']));
    if (resourceFieldRef) errors.push(invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (resourceFieldRef) {
    errors.push(...validateResourceFieldSelector(resourceFieldRef, [...path, 'resourceFieldRef'], true));
  } else {
    errors.push(required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  const mode = file['mode'];
  if (typeof mode === 'number' && (mode > 0o777 || mode < 0)) errors.push(invalid([...path, 'mode'], mode, fileModeError));
  return errors;
}
