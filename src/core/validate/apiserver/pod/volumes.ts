import { isSet, num, obj, objects, str, type Obj } from '../access.js';
import { isDns1123Label, isDns1123Subdomain } from '../content.js';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from '../field.js';
import { validateAnnotations, validateLabels } from '../meta.js';
import { templateMetadataFields, validatePersistentVolumeClaimSpec } from '../pvc.js';
import type { PodOptions } from './options.js';
import { validateDownwardApiVolumeFile, validateKeyToPath, validateLocalNonReservedPath } from './paths.js';
import { fileModeError, volumeSourceChecks } from './volume-sources.js';

/** ValidateVolumes: names, exactly one source each, and the sources' own rules. */

export interface VolumeInfo {
  /** The volume's source key (`emptyDir`, `persistentVolumeClaim`…), for the checks mounts and devices make. */
  source: string | undefined;
}

const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

/** The sources in the order validateVolumeSource checks them; a second one is "more than 1 volume type". */
const sourceOrder = [
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs', 'flocker',
  'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap', 'azureFile',
  'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'storageos', 'projected', 'scaleIO', 'csi', 'ephemeral', 'image',
];

export function validateVolumes(volumes: unknown, podName: string | undefined, path: FieldPath, options: PodOptions): { volumes: Map<string, VolumeInfo>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const byName = new Map<string, VolumeInfo>();
  const items = objects(volumes);
  const createdClaims = new Set(podName ? items.filter((v) => isSet(v['ephemeral'])).map((v) => `${podName}-${str(v['name'])}`) : []);
  items.forEach((volume, i) => {
    const at = [...path, i];
    const name = str(volume['name']);
    const { errors: sourceErrors, source } = validateVolumeSource(volume, at, name, podName, options);
    const own = [...sourceErrors];
    if (name === '') own.push(required([...at, 'name']));
    else own.push(...isDns1123Label(name).map((m) => invalid([...at, 'name'], name, m)));
    if (byName.has(name)) own.push(duplicate([...at, 'name'], name));
    if (own.length === 0) byName.set(name, { source });
    else errors.push(...own);
    const claim = obj(volume['persistentVolumeClaim']);
    if (claim && createdClaims.has(str(claim['claimName']))) {
      errors.push(invalid([...at, 'persistentVolumeClaim', 'claimName'], str(claim['claimName']), 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  });
  return { volumes: byName, errors };
}

function validateVolumeSource(volume: Obj, path: FieldPath, name: string, podName: string | undefined, options: PodOptions): { errors: FieldError[]; source: string | undefined } {
  const errors: FieldError[] = [];
  let first: string | undefined;
  for (const key of sourceOrder) {
    const source = obj(volume[key]);
    if (!source) continue;
    const at = [...path, key];
    if (first !== undefined) {
      errors.push(forbidden(at, 'may not specify more than 1 volume type'));
      if (key !== 'iscsi') continue;
    }
    const checkedFirst = first === undefined;
    first ??= key;
    if (!checkedFirst) continue;
    if (key === 'projected') errors.push(...validateProjected(source, at, options));
    else if (key === 'ephemeral') errors.push(...validateEphemeral(source, at, name, podName));
    else if (key === 'image') {
      const policy = str(source['pullPolicy']);
      if (options.resourceIsPod && str(source['reference']) === '') errors.push(required([...at, 'reference']));
      if (policy === '') errors.push(required([...at, 'pullPolicy']));
      else if (!pullPolicies.includes(policy)) errors.push(notSupported([...at, 'pullPolicy'], policy, pullPolicies));
    } else if (key === 'downwardAPI') {
      const modeErrors = typeof source['defaultMode'] === 'number' && (source['defaultMode'] > 0o777 || source['defaultMode'] < 0)
        ? [invalid([...at, 'defaultMode'], source['defaultMode'], fileModeError)] : [];
      errors.push(...modeErrors);
      objects(source['items']).forEach((item, i) => errors.push(...locateItem(validateDownwardApiVolumeFile(item, at, options), at, [...at, 'items', i])));
    } else {
      const check = volumeSourceChecks.find(([k]) => k === key);
      if (check) {
        const [, run, pathKey] = check;
        // The API server names gcePersistentDisk's fields under `persistentDisk`.
        errors.push(...run(source, pathKey ? [...path, pathKey] : at, name, options).map((e) => (pathKey ? { ...e, at: e.at ?? [...at, ...e.path.slice(at.length)] } : e)));
      }
    }
  }
  if (first === undefined) errors.push(required(path, 'must specify a volume type'));
  return { errors, source: first };
}

/** Errors the API server reports at the volume: point them at the list item that caused them. */
function locateItem(errors: FieldError[], reportedAt: FieldPath, item: FieldPath): FieldError[] {
  return errors.map((e) => (e.at ? e : { ...e, at: [...item, ...e.path.slice(reportedAt.length)] }));
}

function validateProjected(projected: Obj, path: FieldPath, options: PodOptions): FieldError[] {
  const errors: FieldError[] = [];
  const mode = projected['defaultMode'];
  if (typeof mode === 'number' && (mode > 0o777 || mode < 0)) errors.push(invalid([...path, 'defaultMode'], mode, fileModeError));
  const seen = new Set<string>();
  const claim = (target: string, value: string, at: FieldPath) => {
    if (target === '') return;
    if (seen.has(target)) errors.push({ ...invalid(path, value, 'conflicting duplicate paths'), at });
    else seen.add(target);
  };
  objects(projected['sources']).forEach((source, i) => {
    const at = [...path, 'sources', i];
    let count = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      const ref = obj(source[kind]);
      if (!ref) continue;
      count++;
      if (str(ref['name']) === '') errors.push(required([...at, kind, 'name']));
      objects(ref['items']).forEach((item, j) => {
        errors.push(...validateKeyToPath(item, [...at, kind, 'items', j]));
        claim(str(item['path']), str(ref['name']), [...at, kind, 'items', j, 'path']);
      });
    }
    const downward = obj(source['downwardAPI']);
    if (downward) {
      count++;
      objects(downward['items']).forEach((item, j) => {
        const itemAt = [...at, 'downwardAPI'];
        errors.push(...locateItem(validateDownwardApiVolumeFile(item, itemAt, options), itemAt, [...itemAt, 'items', j]));
        claim(str(item['path']), str(item['path']), [...itemAt, 'items', j, 'path']);
      });
    }
    const token = obj(source['serviceAccountToken']);
    if (token) {
      count++;
      const seconds = num(token['expirationSeconds']);
      if (seconds < 600) errors.push(invalid([...at, 'serviceAccountToken', 'expirationSeconds'], seconds, 'may not specify a duration less than 10 minutes'));
      if (seconds > 2 ** 32) errors.push(invalid([...at, 'serviceAccountToken', 'expirationSeconds'], seconds, 'may not specify a duration larger than 2^32 seconds'));
      const target = str(token['path']);
      const tokenAt = [...at, 'serviceAccountToken', 'path'];
      if (target === '') errors.push({ ...required([...path, 'path']), at: tokenAt });
      else errors.push(...validateLocalNonReservedPath(target, [...path, 'path']).map((e) => ({ ...e, at: tokenAt })));
    }
    // clusterTrustBundle and podCertificate are alpha/beta-off: the API server drops them before validation.
    if (count > 1) errors.push(forbidden(at, 'may not specify more than 1 volume type per source'));
  });
  return errors;
}

function validateEphemeral(ephemeral: Obj, path: FieldPath, volumeName: string, podName: string | undefined): FieldError[] {
  const template = obj(ephemeral['volumeClaimTemplate']);
  if (!template) return [required([...path, 'volumeClaimTemplate'])];
  const at = [...path, 'volumeClaimTemplate'];
  const metadata = obj(template['metadata']) ?? {};
  const errors = [...validateAnnotations(metadata['annotations'], [...at, 'metadata', 'annotations']), ...validateLabels(metadata['labels'], [...at, 'metadata', 'labels'])];
  for (const [key, value] of Object.entries(metadata)) {
    if (!templateMetadataFields.has(key) && isSetMeaningfully(value)) errors.push(forbidden([...at, 'metadata', key], 'cannot be set'));
  }
  errors.push(...validatePersistentVolumeClaimSpec(obj(template['spec']) ?? {}, [...at, 'spec']));
  if (podName && volumeName) {
    const claimName = `${podName}-${volumeName}`;
    errors.push(...isDns1123Subdomain(claimName).map((m) => ({ ...invalid([...path, 'name'], volumeName, `PVC name "${claimName}": ${m}`), at: [...path.slice(0, -1), 'name'] })));
  }
  return errors;
}

/** reflect.DeepEqual against the zero value: empty strings, maps and lists count as unset. */
function isSetMeaningfully(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === 0 || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}
