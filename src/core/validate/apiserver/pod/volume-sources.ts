import { isSet, list, num, obj, objects, str, entries, type Obj } from '../access.js';
import { isDns1123Label, isDns1123Subdomain, inclusiveRangeError } from '../content.js';
import { forbidden, invalid, notSupported, required, tooLong, type FieldError, type FieldPath } from '../field.js';
import { parseQuantity, signOf } from '../quantity.js';
import type { PodOptions } from './options.js';
import { validateDownwardApiVolumeFile, validateKeyToPath, validateLocalDescendingPath, validateLocalNonReservedPath, validatePathNoBacksteps } from './paths.js';

/** The in-tree volume sources of validateVolumeSource, one check each. */

export const fileModeError = 'must be a number between 0 and 0777 (octal), both inclusive';

function validateMode(value: unknown, path: FieldPath): FieldError[] {
  return typeof value === 'number' && (value > 0o777 || value < 0) ? [invalid(path, value, fileModeError)] : [];
}

const requireString = (source: Obj, key: string, path: FieldPath, detail = ''): FieldError[] =>
  str(source[key]) === '' ? [required([...path, key], detail)] : [];

const iqnPattern = /^iqn\.\d{4}-\d{2}\.(?:[a-zA-Z0-9][-a-zA-Z0-9]*\.?)+(?::[-a-zA-Z0-9.:]+)?$/;
const euiPattern = /^eui\.[a-fA-F0-9]{16}$/;
const naaPattern = /^naa\.(?:[a-fA-F0-9]{16}|[a-fA-F0-9]{32})$/;

function iscsiNameProblem(value: string, strictStart: boolean): string | undefined {
  const prefixes = ['iqn', 'eui', 'naa'];
  if (!prefixes.some((p) => value.startsWith(p))) return strictStart ? 'must be valid format starting with iqn, eui, or naa' : undefined;
  if (value.startsWith('iqn') && !iqnPattern.test(value)) return 'must be valid format';
  if (value.startsWith('eui') && !euiPattern.test(value)) return 'must be valid format';
  if (value.startsWith('naa') && !naaPattern.test(value)) return 'must be valid format';
  return undefined;
}

const pdPartitionError = 'must be between 0 and 255, inclusive';

type SourceCheck = (source: Obj, path: FieldPath, volumeName: string, options: PodOptions) => FieldError[];

export const volumeSourceChecks: [key: string, check: SourceCheck, pathKey?: string][] = [
  ['emptyDir', (s, p) => {
    const limit = isSet(s['sizeLimit']) ? parseQuantity(s['sizeLimit']) : undefined;
    return limit && signOf(limit) < 0 ? [forbidden([...p, 'sizeLimit'], 'SizeLimit field must be a valid resource quantity')] : [];
  }],
  ['hostPath', (s, p) => {
    if (str(s['path']) === '') return [required([...p, 'path'])];
    const errors = validatePathNoBacksteps(str(s['path']), [...p, 'path']);
    const types = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
    if (isSet(s['type']) && !types.includes(str(s['type']))) errors.push(notSupported([...p, 'type'], str(s['type']), types));
    return errors;
  }],
  ['gitRepo', (s, p) => [...requireString(s, 'repository', p), ...validateLocalDescendingPath(str(s['directory']), [...p, 'directory'])]],
  ['gcePersistentDisk', (s, p) => [
    ...requireString(s, 'pdName', p),
    ...(num(s['partition']) < 0 || num(s['partition']) > 255 ? [invalid([...p, 'partition'], num(s['partition']), pdPartitionError)] : []),
  ], 'persistentDisk'],
  ['awsElasticBlockStore', (s, p) => [
    ...requireString(s, 'volumeID', p),
    ...(num(s['partition']) < 0 || num(s['partition']) > 255 ? [invalid([...p, 'partition'], num(s['partition']), pdPartitionError)] : []),
  ]],
  ['secret', (s, p) => [
    ...requireString(s, 'secretName', p),
    ...validateMode(s['defaultMode'], [...p, 'defaultMode']),
    ...objects(s['items']).flatMap((item, i) => validateKeyToPath(item, [...p, 'items', i])),
  ]],
  ['nfs', (s, p) => {
    const errors = [...requireString(s, 'server', p), ...requireString(s, 'path', p)];
    if (!str(s['path']).startsWith('/')) errors.push(invalid([...p, 'path'], str(s['path']), 'must be an absolute path'));
    return errors;
  }],
  ['iscsi', (s, p, volumeName) => {
    const errors = requireString(s, 'targetPortal', p);
    const iqn = str(s['iqn']);
    if (iqn === '') errors.push(required([...p, 'iqn']));
    else {
      const problem = iscsiNameProblem(iqn, true);
      if (problem) errors.push(invalid([...p, 'iqn'], iqn, problem));
    }
    const lun = num(s['lun']);
    if (lun < 0 || lun > 255) errors.push(invalid([...p, 'lun'], lun, inclusiveRangeError(0, 255)));
    if ((s['chapAuthDiscovery'] === true || s['chapAuthSession'] === true) && !isSet(s['secretRef'])) errors.push(required([...p, 'secretRef']));
    if (isSet(s['initiatorName'])) {
      const initiator = str(s['initiatorName']);
      const prefixes = ['iqn', 'eui', 'naa'];
      if (!prefixes.some((x) => initiator.startsWith(x))) errors.push(invalid([...p, 'initiatorname'], initiator, 'must be valid format starting with iqn, eui, or naa'));
      const problem = iscsiNameProblem(initiator, false);
      if (problem) errors.push(invalid([...p, 'initiatorname'], initiator, problem));
      if (Buffer.byteLength(`${volumeName}:${str(s['targetPortal'])}`) > 64) {
        errors.push(invalid([...p.slice(0, -1), 'name'], volumeName, 'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.'));
      }
    }
    return errors;
  }],
  ['glusterfs', (s, p) => [...requireString(s, 'endpoints', p), ...requireString(s, 'path', p)]],
  ['flocker', (s, p) => {
    const errors: FieldError[] = [];
    const name = str(s['datasetName']);
    const uuid = str(s['datasetUUID']);
    if (name === '' && uuid === '') errors.push(required(p, 'one of datasetName and datasetUUID is required'));
    if (name !== '' && uuid !== '') errors.push(invalid(p, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'));
    if (name.includes('/')) errors.push(invalid([...p, 'datasetName'], name, "must not contain '/'"));
    return errors;
  }],
  ['persistentVolumeClaim', (s, p) => requireString(s, 'claimName', p)],
  ['rbd', (s, p) => [...(list(s['monitors']).length === 0 ? [required([...p, 'monitors'])] : []), ...requireString(s, 'image', p)]],
  ['cinder', (s, p) => [
    ...requireString(s, 'volumeID', p),
    ...(isSet(s['secretRef']) && str(obj(s['secretRef'])?.['name']) === '' ? [required([...p, 'secretRef', 'name'])] : []),
  ]],
  ['cephfs', (s, p) => (list(s['monitors']).length === 0 ? [required([...p, 'monitors'])] : [])],
  ['quobyte', (s, p) => {
    const errors: FieldError[] = [];
    const registry = str(s['registry']);
    if (registry === '') errors.push(required([...p, 'registry'], 'must be a host:port pair or multiple pairs separated by commas'));
    else if (Buffer.byteLength(str(s['tenant'])) >= 65) errors.push(required([...p, 'tenant'], 'must be a UUID and may not exceed a length of 64 characters'));
    else {
      for (const pair of registry.split(',')) {
        if (!isHostPort(pair)) errors.push(invalid([...p, 'registry'], registry, 'must be a host:port pair or multiple pairs separated by commas'));
      }
    }
    errors.push(...requireString(s, 'volume', p));
    return errors;
  }],
  ['downwardAPI', (s, p, _name, options) => [
    ...validateMode(s['defaultMode'], [...p, 'defaultMode']),
    ...objects(s['items']).flatMap((item) => validateDownwardApiVolumeFile(item, p, options)),
  ]],
  ['fc', (s, p) => {
    const errors: FieldError[] = [];
    const wwns = list(s['targetWWNs']);
    const wwids = list(s['wwids']);
    if (wwns.length < 1 && wwids.length < 1) errors.push(required([...p, 'targetWWNs'], 'must specify either targetWWNs or wwids, but not both'));
    if (wwns.length !== 0 && wwids.length !== 0) errors.push(invalid([...p, 'targetWWNs'], wwns, 'targetWWNs and wwids can not be specified simultaneously'));
    if (wwns.length !== 0) {
      if (!isSet(s['lun'])) errors.push(required([...p, 'lun'], 'lun is required if targetWWNs is specified'));
      else if (num(s['lun']) < 0 || num(s['lun']) > 255) errors.push(invalid([...p, 'lun'], num(s['lun']), inclusiveRangeError(0, 255)));
    }
    return errors;
  }],
  ['flexVolume', (s, p) => {
    const errors = requireString(s, 'driver', p);
    for (const [key] of entries(s['options'])) {
      const slash = key.indexOf('/');
      const namespace = slash >= 0 ? key.slice(0, slash) : key;
      const normalized = `.${namespace.toLowerCase()}`;
      if (normalized.endsWith('.kubernetes.io') || normalized.endsWith('.k8s.io')) {
        errors.push(invalid([...p, 'options', key], key, 'kubernetes.io and k8s.io namespaces are reserved'));
      }
    }
    return errors;
  }],
  ['configMap', (s, p) => [
    ...requireString(s, 'name', p),
    ...validateMode(s['defaultMode'], [...p, 'defaultMode']),
    ...objects(s['items']).flatMap((item, i) => validateKeyToPath(item, [...p, 'items', i])),
  ]],
  ['azureFile', (s, p) => [...requireString(s, 'secretName', p), ...requireString(s, 'shareName', p)]],
  ['vsphereVolume', (s, p) => requireString(s, 'volumePath', p)],
  ['photonPersistentDisk', (s, p) => requireString(s, 'pdID', p)],
  ['portworxVolume', (s, p) => requireString(s, 'volumeID', p)],
  ['azureDisk', (s, p) => {
    const errors = [...requireString(s, 'diskName', p)];
    const uri = str(s['diskURI']);
    if (uri === '') errors.push(required([...p, 'diskURI']));
    const caching = ['None', 'ReadOnly', 'ReadWrite'];
    if (isSet(s['cachingMode']) && !caching.includes(str(s['cachingMode']))) errors.push(notSupported([...p, 'cachingMode'], str(s['cachingMode']), caching));
    const kinds = ['Dedicated', 'Managed', 'Shared'];
    if (isSet(s['kind'])) {
      const kind = str(s['kind']);
      if (!kinds.includes(kind)) errors.push(notSupported([...p, 'kind'], kind, kinds));
      if (kind === 'Managed' && !uri.startsWith('/subscriptions/')) {
        errors.push(notSupported([...p, 'diskURI'], uri, ['/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}']));
      }
      if (kind !== 'Managed' && !uri.startsWith('https://')) {
        errors.push(notSupported([...p, 'diskURI'], uri, ['https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd']));
      }
    }
    return errors;
  }],
  ['storageos', (s, p) => {
    const errors: FieldError[] = [];
    const name = str(s['volumeName']);
    if (name === '') errors.push(required([...p, 'volumeName']));
    else errors.push(...isDns1123Label(name).map((m) => invalid([...p, 'volumeName'], name, m)));
    const namespace = str(s['volumeNamespace']);
    if (namespace !== '') errors.push(...isDns1123Label(namespace).map((m) => invalid([...p, 'volumeNamespace'], namespace, m)));
    if (isSet(s['secretRef']) && str(obj(s['secretRef'])?.['name']) === '') errors.push(required([...p, 'secretRef', 'name']));
    return errors;
  }],
  ['scaleIO', (s, p) => [...requireString(s, 'gateway', p), ...requireString(s, 'system', p), ...requireString(s, 'volumeName', p)]],
  ['csi', (s, p) => {
    const errors = validateCsiDriverName(str(s['driver']), [...p, 'driver']);
    const secret = obj(s['nodePublishSecretRef']);
    if (secret) {
      const name = str(secret['name']);
      if (name === '') errors.push(required([...p, 'nodePublishSecretRef', 'name']));
      else errors.push(...isDns1123Subdomain(name).map((m) => ({ ...invalid([...p, 'name'], name, m), at: [...p, 'nodePublishSecretRef', 'name'] })));
    }
    return errors;
  }],
];

export function validateCsiDriverName(driver: string, path: FieldPath): FieldError[] {
  if (driver === '') return [required(path)];
  const errors: FieldError[] = [];
  if (Buffer.byteLength(driver) > 63) errors.push(tooLong(path, 63));
  errors.push(...isDns1123Subdomain(driver.toLowerCase()).map((m) => invalid(path, driver, m)));
  return errors;
}

/** net.SplitHostPort accepts "host:port" and "[v6]:port"; the port may be empty or a name. */
function isHostPort(text: string): boolean {
  if (text.startsWith('[')) return /^\[[^\]]*\]:[^:]*$/.test(text);
  const colons = text.split(':').length - 1;
  return colons === 1;
}

