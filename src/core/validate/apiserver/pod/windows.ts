import { isSet, list, obj, objects, str, type Obj } from '../access.js';
import { forbidden, notSupported, required, type FieldError, type FieldPath } from '../field.js';

/** spec.os: a Linux pod may not set Windows options, a Windows pod may not set Linux-only ones. */

const podFieldsNotOnWindows: [key: string, onSpec: boolean][] = [
  ['appArmorProfile', false], ['seLinuxOptions', false], ['seccompProfile', false], ['fsGroup', false], ['fsGroupChangePolicy', false],
  ['runAsUser', false], ['runAsGroup', false], ['supplementalGroupsPolicy', false], ['seLinuxChangePolicy', false],
];
const containerFieldsNotOnWindows = ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged', 'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup'];

export function validateOs(spec: Obj, path: FieldPath): FieldError[] {
  const os = obj(spec['os']);
  if (!os) return [];
  const name = str(os['name']);
  if (name === '') return [required([...path, 'os', 'name'])];
  if (name !== 'linux' && name !== 'windows') return [{ ...notSupported([...path, 'os'], name, ['linux', 'windows']), at: [...path, 'os', 'name'] }];
  const errors: FieldError[] = [];
  const context = obj(spec['securityContext']);
  const containers: [Obj, FieldPath][] = [];
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) objects(spec[key]).forEach((c, i) => containers.push([c, [...path, key, i]]));
  if (name === 'linux') {
    if (isSet(context?.['windowsOptions'])) errors.push(forbidden([...path, 'securityContext', 'windowsOptions'], 'windows options cannot be set for a linux pod'));
    for (const [container, at] of containers) {
      if (isSet(obj(container['securityContext'])?.['windowsOptions'])) errors.push(forbidden([...at, 'securityContext', 'windowsOptions'], 'windows options cannot be set for a linux pod'));
    }
    return errors;
  }
  const notOnWindows = (at: FieldPath) => forbidden(at, 'cannot be set for a windows pod');
  if (context) {
    for (const [key] of podFieldsNotOnWindows) if (isSet(context[key])) errors.push(notOnWindows([...path, 'securityContext', key]));
    if (isSet(context['sysctls']) && list(context['sysctls']).length > 0) errors.push(notOnWindows([...path, 'securityContext', 'sysctls']));
    if (isSet(context['supplementalGroups'])) errors.push(notOnWindows([...path, 'securityContext', 'supplementalGroups']));
  }
  if (isSet(spec['hostUsers'])) errors.push(notOnWindows([...path, 'hostUsers']));
  if (spec['hostPID'] === true) errors.push(notOnWindows([...path, 'hostPID']));
  if (spec['hostIPC'] === true) errors.push(notOnWindows([...path, 'hostIPC']));
  if (isSet(spec['shareProcessNamespace'])) errors.push(notOnWindows([...path, 'shareProcessNamespace']));
  for (const [container, at] of containers) {
    const sc = obj(container['securityContext']);
    if (!sc) continue;
    for (const key of containerFieldsNotOnWindows) if (isSet(sc[key])) errors.push(notOnWindows([...at, 'securityContext', key]));
  }
  return errors;
}
