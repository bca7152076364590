import { isSet, objects, str, type Obj } from '../access.js';
import { forbidden, invalid, notFound, notSupported, required, type FieldError, type FieldPath } from '../field.js';
import { validateLocalDescendingPath, validatePathNoBacksteps } from './paths.js';
import type { VolumeInfo } from './volumes.js';

/** A container's volumeMounts and volumeDevices against the pod's volumes. */

export function validateMounts(container: Obj, path: FieldPath, volumes: Map<string, VolumeInfo>): FieldError[] {
  const mounts = objects(container['volumeMounts']);
  const devices = objects(container['volumeDevices']);
  if (mounts.length === 0 && devices.length === 0) return [];
  const deviceNames = new Set(devices.map((d) => str(d['name'])));
  const devicePaths = new Set(devices.map((d) => str(d['devicePath'])));
  const mountNames = new Set(mounts.map((m) => str(m['name'])));
  const mountPaths = new Set(mounts.map((m) => str(m['mountPath'])));
  const privileged = (container['securityContext'] as Obj | undefined)?.['privileged'] === true;
  const errors: FieldError[] = [];
  const mountPath = [...path, 'volumeMounts'];
  const seenPaths = new Set<string>();
  mounts.forEach((mount, i) => {
    const at = [...mountPath, i];
    const name = str(mount['name']);
    const target = str(mount['mountPath']);
    if (name === '') errors.push(required([...at, 'name']));
    if (!volumes.has(name)) errors.push(notFound([...at, 'name'], name));
    if (target === '') errors.push(required([...at, 'mountPath']));
    if (seenPaths.has(target)) errors.push(invalid([...at, 'mountPath'], target, 'must be unique'));
    seenPaths.add(target);
    if (deviceNames.has(name)) errors.push(invalid([...at, 'name'], name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(target)) errors.push(invalid([...at, 'mountPath'], target, 'must not already exist as a path in volumeDevices'));
    // The API server names these fields on the list, not the item.
    const subPath = str(mount['subPath']);
    if (subPath !== '') errors.push(...validateLocalDescendingPath(subPath, [...mountPath, 'subPath']).map((e) => ({ ...e, at: [...at, 'subPath'] })));
    const subPathExpr = str(mount['subPathExpr']);
    if (subPathExpr !== '') {
      if (subPath !== '') errors.push(invalid([...at, 'subPathExpr'], subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errors.push(...validateLocalDescendingPath(subPathExpr, [...mountPath, 'subPathExpr']).map((e) => ({ ...e, at: [...at, 'subPathExpr'] })));
    }
    const propagationAt = [...at, 'mountPropagation'];
    if (isSet(mount['mountPropagation'])) {
      const propagation = str(mount['mountPropagation']);
      const modes = ['Bidirectional', 'HostToContainer', 'None'];
      if (!modes.includes(propagation)) errors.push({ ...notSupported([...mountPath, 'mountPropagation'], propagation, modes), at: propagationAt });
      if (propagation === 'Bidirectional' && !privileged) {
        errors.push({ ...forbidden([...mountPath, 'mountPropagation'], 'Bidirectional mount propagation is available only to privileged containers'), at: propagationAt });
      }
    }
    if (isSet(mount['recursiveReadOnly'])) {
      const rro = str(mount['recursiveReadOnly']);
      const rroAt = [...at, 'recursiveReadOnly'];
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (mount['readOnly'] !== true) errors.push({ ...forbidden([...mountPath, 'recursiveReadOnly'], 'may only be specified when readOnly is true'), at: rroAt });
        if (isSet(mount['mountPropagation']) && mount['mountPropagation'] !== 'None') {
          errors.push({ ...forbidden([...mountPath, 'recursiveReadOnly'], 'may only be specified when mountPropagation is None or not specified'), at: rroAt });
        }
      } else if (rro !== 'Disabled') {
        errors.push({ ...notSupported([...mountPath, 'recursiveReadOnly'], rro, ['Disabled', 'IfPossible', 'Enabled']), at: rroAt });
      }
    }
  });
  const devicePath = [...path, 'volumeDevices'];
  const seenDeviceNames = new Set<string>();
  const seenDevicePaths = new Set<string>();
  devices.forEach((device, i) => {
    const at = [...devicePath, i];
    const name = str(device['name']);
    const target = str(device['devicePath']);
    const volume = volumes.get(name);
    if (name === '') errors.push(required([...at, 'name']));
    if (seenDeviceNames.has(name)) errors.push(invalid([...at, 'name'], name, 'must be unique'));
    if (volume && volume.source !== 'persistentVolumeClaim' && volume.source !== 'ephemeral') {
      errors.push(invalid([...at, 'name'], name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    }
    if (!volume) errors.push(notFound([...at, 'name'], name));
    if (target === '') errors.push(required([...at, 'devicePath']));
    if (seenDevicePaths.has(target)) errors.push(invalid([...at, 'devicePath'], target, 'must be unique'));
    if (target !== '' && validatePathNoBacksteps(target, []).length > 0) errors.push(invalid([...at, 'devicePath'], target, "can not contain backsteps ('..')"));
    else seenDevicePaths.add(target);
    if (mountNames.has(name)) errors.push(invalid([...at, 'name'], name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(target)) errors.push(invalid([...at, 'devicePath'], target, 'must not already exist as a path in volumeMounts'));
    if (name !== '') seenDeviceNames.add(name);
  });
  return errors;
}
