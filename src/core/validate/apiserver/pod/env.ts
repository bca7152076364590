import { isSet, obj, objects, str, type Obj } from '../access.js';
import { isConfigMapKey, isDns1123Label, isDns1123Subdomain, isEnvVarName, isRelaxedEnvVarName } from '../content.js';
import { invalid, required, type FieldError, type FieldPath } from '../field.js';
import type { PodOptions } from './options.js';
import { envFieldPaths, validateObjectFieldSelector, validatePathNoBacksteps, validateResourceFieldSelector } from './paths.js';

/** Environment variables and envFrom sources of a container. */

function envNameErrors(name: string, options: PodOptions): string[] {
  return options.allowRelaxedEnvironmentVariables ? isRelaxedEnvVarName(name) : isEnvVarName(name);
}

export function validateEnv(env: unknown, path: FieldPath, options: PodOptions): FieldError[] {
  const errors: FieldError[] = [];
  objects(env).forEach((variable, i) => {
    const at = [...path, i];
    const name = str(variable['name']);
    if (name === '') errors.push(required([...at, 'name']));
    else errors.push(...envNameErrors(name, options).map((m) => invalid([...at, 'name'], name, m)));
    if (isSet(variable['valueFrom'])) errors.push(...validateValueFrom(variable, [...at, 'valueFrom'], options));
  });
  return errors;
}

function validateValueFrom(variable: Obj, path: FieldPath, options: PodOptions): FieldError[] {
  const from = obj(variable['valueFrom']);
  if (!from) return [];
  const errors: FieldError[] = [];
  let sources = 0;
  const fieldRef = obj(from['fieldRef']);
  if (fieldRef) {
    sources++;
    errors.push(...validateObjectFieldSelector(fieldRef, envFieldPaths, [...path, 'fieldRef']));
  }
  const resourceFieldRef = obj(from['resourceFieldRef']);
  if (resourceFieldRef) {
    sources++;
    errors.push(...validateResourceFieldSelector(resourceFieldRef, [...path, 'resourceFieldRef'], false));
  }
  for (const key of ['configMapKeyRef', 'secretKeyRef']) {
    const ref = obj(from[key]);
    if (!ref) continue;
    sources++;
    const name = str(ref['name']);
    errors.push(...isDns1123Subdomain(name).map((m) => invalid([...path, key, 'name'], name, m)));
    const refKey = str(ref['key']);
    if (refKey === '') errors.push(required([...path, key, 'key']));
    else errors.push(...isConfigMapKey(refKey).map((m) => invalid([...path, key, 'key'], refKey, m)));
  }
  const fileKeyRef = obj(from['fileKeyRef']);
  if (fileKeyRef && options.allowEnvFiles) {
    sources++;
    errors.push(...validateFileKeySelector(fileKeyRef, [...path, 'fileKeyRef']));
  }
  const hasValue = str(variable['value']) !== '';
  if (sources === 0) {
    const list = options.allowEnvFiles ? '`fieldRef`, `resourceFieldRef`, `configMapKeyRef`, `secretKeyRef` or `fileKeyRef`' : '`fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`';
    errors.push(invalid(path, '', `must specify one of: ${list}`));
  } else if (hasValue) {
    errors.push({ ...invalid(path, '', 'may not be specified when `value` is not empty'), at: [...path.slice(0, -1), 'value'] });
  } else if (sources > 1) {
    errors.push(invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errors;
}

function validateFileKeySelector(selector: Obj, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const key = str(selector['key']);
  if (key === '') errors.push(required([...path, 'key']));
  else errors.push(...isRelaxedEnvVarName(key).map((m) => invalid([...path, 'key'], key, m)));
  const volume = str(selector['volumeName']);
  if (volume === '') errors.push(required([...path, 'volumeName']));
  else errors.push(...isDns1123Label(volume).map((m) => invalid([...path, 'volumeName'], volume, m)));
  const target = str(selector['path']);
  if (target === '') errors.push(required([...path, 'path']));
  else errors.push(...validatePathNoBacksteps(target, [...path, 'path']));
  return errors;
}

export function validateEnvFrom(envFrom: unknown, path: FieldPath, options: PodOptions): FieldError[] {
  const errors: FieldError[] = [];
  objects(envFrom).forEach((source, i) => {
    const at = [...path, i];
    const prefix = str(source['prefix']);
    if (prefix !== '') errors.push(...envNameErrors(prefix, options).map((m) => invalid([...at, 'prefix'], prefix, m)));
    let sources = 0;
    for (const key of ['configMapRef', 'secretRef']) {
      const ref = obj(source[key]);
      if (!ref) continue;
      sources++;
      const name = str(ref['name']);
      if (name === '') errors.push(required([...at, key, 'name']));
      // Checked as a prefix, as the API server does: a trailing dash is allowed.
      else errors.push(...isDns1123Subdomain(name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name).map((m) => invalid([...at, key, 'name'], name, m)));
    }
    if (sources === 0) errors.push({ ...invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'), at });
    else if (sources > 1) errors.push({ ...invalid(path, '', 'may not have more than one field specified at a time'), at });
  });
  return errors;
}
