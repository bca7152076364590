import { entries, isSet, obj, objects, str, type Obj } from '../access.js';
import { forbidden, invalid, type FieldError, type FieldPath } from '../field.js';
import type { PodOptions } from './options.js';
import { validateLocalDescendingPath } from './paths.js';
import { validateTolerations } from './scheduling.js';

/** Annotations the API server reads on pods and pod templates: tolerations, deletion cost, seccomp and AppArmor. */

const mirrorPod = 'kubernetes.io/config.mirror';
const tolerationsKey = 'scheduler.alpha.kubernetes.io/tolerations';
const deletionCost = 'controller.kubernetes.io/pod-deletion-cost';
const seccompPod = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainerPrefix = 'container.seccomp.security.alpha.kubernetes.io/';
const appArmorPrefix = 'container.apparmor.security.beta.kubernetes.io/';

function validateSeccompAnnotation(profile: string, path: FieldPath): FieldError[] {
  if (['runtime/default', 'docker/default', 'unconfined'].includes(profile)) return [];
  if (profile.startsWith('localhost/')) return validateLocalDescendingPath(profile.slice('localhost/'.length), path);
  return [invalid(path, profile, 'must be a valid seccomp profile')];
}

function isValidDeletionCost(value: string): boolean {
  if (value === '' || !(value[0] === '-' || value === '0' || (value[0]! >= '1' && value[0]! <= '9'))) return false;
  if (!/^-?[0-9]+$/.test(value)) return false;
  const n = Number(value);
  return n >= -2147483648 && n <= 2147483647;
}

function containerNames(spec: Obj): string[] {
  return ['initContainers', 'containers', 'ephemeralContainers'].flatMap((key) => objects(spec[key]).map((c) => str(c['name'])));
}

export function validatePodSpecificAnnotations(annotations: unknown, spec: Obj, path: FieldPath, at: FieldPath, options: PodOptions): FieldError[] {
  const map = obj(annotations) ?? {};
  const errors: FieldError[] = [];
  const located = (error: FieldError, key: string): FieldError => ({ ...error, at: [...at, key] });
  if (isSet(map[mirrorPod]) && str(spec['nodeName']) === '') {
    errors.push(located(invalid([...path, mirrorPod], str(map[mirrorPod]), 'must set spec.nodeName if mirror pod annotation is set'), mirrorPod));
  }
  const tolerations = str(map[tolerationsKey]);
  if (tolerations !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(tolerations);
    } catch (error) {
      errors.push(located(invalid(path, tolerationsKey, (error as Error).message), tolerationsKey));
    }
    if (Array.isArray(parsed) && parsed.length > 0) {
      errors.push(...validateTolerations(parsed, [...path, tolerationsKey], options).map((e) => located(e, tolerationsKey)));
    } else if (parsed !== undefined && parsed !== null && !Array.isArray(parsed)) {
      errors.push(located(invalid(path, tolerationsKey, 'json: cannot unmarshal into Go value of type []core.Toleration'), tolerationsKey));
    }
  }
  if (isSet(map[deletionCost]) && !isValidDeletionCost(str(map[deletionCost]))) {
    errors.push(located(invalid([...path, deletionCost], str(map[deletionCost]), 'must be a 32bit integer'), deletionCost));
  }
  if (isSet(map[seccompPod])) errors.push(...validateSeccompAnnotation(str(map[seccompPod]), [...path, seccompPod]).map((e) => located(e, seccompPod)));
  let names: string[] | undefined;
  for (const [key, value] of entries(map)) {
    if (key.startsWith(seccompContainerPrefix)) errors.push(...validateSeccompAnnotation(str(value), [...path, key]).map((e) => located(e, key)));
    if (key.startsWith(appArmorPrefix)) {
      const container = key.slice(appArmorPrefix.length);
      if (!(names ??= containerNames(spec)).includes(container)) errors.push(located(invalid([...path, key], container, 'container not found'), key));
      const profile = str(value);
      if (!(profile === '' || profile === 'runtime/default' || profile === 'unconfined' || profile.startsWith('localhost/'))) {
        errors.push(located(invalid([...path, key], profile, `invalid AppArmor profile name: ${JSON.stringify(profile)}`), key));
      }
    }
  }
  return errors;
}

/** Seccomp and AppArmor annotations that contradict the security-context fields. */
export function validateAnnotationsMatchFields(annotations: unknown, spec: Obj, specPath: FieldPath): FieldError[] {
  const map = obj(annotations) ?? {};
  const errors: FieldError[] = [];
  // Every check compares an annotation: a template without any (most) has nothing to contradict.
  if (Object.keys(map).length === 0) return errors;
  const podContext = obj(spec['securityContext']);
  const seccompMismatch = (annotation: string, profile: Obj, path: FieldPath): FieldError | undefined => {
    const type = str(profile['type']);
    if (type === 'Unconfined' && annotation !== 'unconfined') return forbidden([...path, 'type'], 'seccomp type in annotation and field must match');
    if (type === 'RuntimeDefault' && annotation !== 'runtime/default' && annotation !== 'docker/default') return forbidden([...path, 'type'], 'seccomp type in annotation and field must match');
    if (type === 'Localhost') {
      if (!annotation.startsWith('localhost/')) return forbidden([...path, 'type'], 'seccomp type in annotation and field must match');
      if (!isSet(profile['localhostProfile']) || annotation.slice('localhost/'.length) !== str(profile['localhostProfile'])) {
        return forbidden([...path, 'localhostProfile'], 'seccomp profile in annotation and field must match');
      }
    }
    return undefined;
  };
  const podSeccomp = obj(podContext?.['seccompProfile']);
  if (podSeccomp && isSet(map[seccompPod])) {
    const error = seccompMismatch(str(map[seccompPod]), podSeccomp, [...specPath, 'securityContext', 'seccompProfile']);
    if (error) errors.push(error);
  }
  const windows = obj(spec['os'])?.['name'] === 'windows';
  const podAppArmor = obj(podContext?.['appArmorProfile']);
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    objects(spec[key]).forEach((container, i) => {
      const at = [...specPath, key, i, 'securityContext'];
      const context = obj(container['securityContext']);
      const seccomp = obj(context?.['seccompProfile']);
      const name = str(container['name']);
      if (seccomp && isSet(map[seccompContainerPrefix + name])) {
        const error = seccompMismatch(str(map[seccompContainerPrefix + name]), seccomp, [...at, 'seccompProfile']);
        if (error) errors.push(error);
      }
      const profile = obj(context?.['appArmorProfile']) ?? podAppArmor;
      const annotation = map[appArmorPrefix + name];
      if (windows || !profile || !isSet(annotation)) return;
      const value = str(annotation);
      const type = str(profile['type']);
      const path = [...at, 'appArmorProfile'];
      if ((type === 'Unconfined' && value !== 'unconfined') || (type === 'RuntimeDefault' && value !== 'runtime/default') || (type === 'Localhost' && !value.startsWith('localhost/'))) {
        errors.push(forbidden([...path, 'type'], 'apparmor type in annotation and field must match'));
      } else if (type === 'Localhost' && (!isSet(profile['localhostProfile']) || value.slice('localhost/'.length) !== str(profile['localhostProfile']))) {
        errors.push(forbidden([...path, 'localhostProfile'], 'apparmor profile in annotation and field must match'));
      }
    });
  }
  return errors;
}
