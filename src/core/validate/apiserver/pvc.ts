import { isSet, obj, str, strings, type Obj } from './access.js';
import { isDns1123Label, isDns1123Subdomain } from './content.js';
import { forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from './field.js';
import { validateLabelSelector } from './meta.js';
import { validateResourceQuantityValue } from './pod/resources.js';
import { parseQuantity, signOf } from './quantity.js';

/** ValidatePersistentVolumeClaimSpec: claims, StatefulSet volumeClaimTemplates and ephemeral volumes. */

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const volumeModes = ['Block', 'Filesystem'];

export function validatePersistentVolumeClaimSpec(spec: Obj, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const modes = strings(spec['accessModes']);
  if (modes.length === 0) errors.push(required([...path, 'accessModes'], 'at least 1 access mode is required'));
  if (isSet(spec['selector'])) errors.push(...validateLabelSelector(spec['selector'], [...path, 'selector']));
  let once = false;
  let other = false;
  modes.forEach((mode, i) => {
    if (!accessModes.includes(mode)) errors.push({ ...notSupported([...path, 'accessModes'], mode, accessModes), at: [...path, 'accessModes', i] });
    if (mode === 'ReadWriteOncePod') once = true;
    else if (accessModes.includes(mode)) other = true;
  });
  if (once && other) errors.push(forbidden([...path, 'accessModes'], 'may not use ReadWriteOncePod with other access modes'));
  const requests = obj(obj(spec['resources'])?.['requests']);
  const storagePath = [...path, 'resources', 'storage'];
  const storageAt = [...path, 'resources', 'requests', 'storage'];
  if (!requests || !isSet(requests['storage'])) {
    errors.push({ ...required(storagePath), at: [...path, 'resources'] });
  } else {
    const storage = parseQuantity(requests['storage']);
    if (storage && signOf(storage) <= 0) errors.push({ ...invalid(storagePath, storage.text, 'must be greater than zero'), at: storageAt });
    else if (storage) errors.push(...validateResourceQuantityValue('storage', storage, storagePath).map((e) => ({ ...e, at: storageAt })));
  }
  const className = str(spec['storageClassName']);
  if (className !== '') errors.push(...isDns1123Subdomain(className).map((m) => invalid([...path, 'storageClassName'], className, m)));
  if (isSet(spec['volumeMode']) && !volumeModes.includes(str(spec['volumeMode']))) {
    errors.push(notSupported([...path, 'volumeMode'], str(spec['volumeMode']), volumeModes));
  }
  const dataSource = obj(spec['dataSource']);
  const dataSourceRef = obj(spec['dataSourceRef']);
  if (dataSource) errors.push(...validateDataSource(dataSource, [...path, 'dataSource'], false));
  if (dataSourceRef) errors.push(...validateDataSource(dataSourceRef, [...path, 'dataSourceRef'], true));
  if (dataSourceRef && str(dataSourceRef['namespace']) !== '') {
    if (dataSource) errors.push({ ...invalid(path, [...path, 'dataSource'].join('.'), 'may not be specified when dataSourceRef.namespace is specified'), at: [...path, 'dataSource'] });
  } else if (dataSource && dataSourceRef) {
    const same = dataSource['apiGroup'] === dataSourceRef['apiGroup'] && str(dataSource['kind']) === str(dataSourceRef['kind']) && str(dataSource['name']) === str(dataSourceRef['name']);
    if (!same) errors.push({ ...invalid(path, [...path, 'dataSource'].join('.'), 'must match dataSourceRef'), at: [...path, 'dataSource'] });
  }
  const attributesClass = str(spec['volumeAttributesClassName']);
  if (attributesClass !== '') errors.push(...isDns1123Subdomain(attributesClass).map((m) => invalid([...path, 'volumeAttributesClassName'], attributesClass, m)));
  return errors;
}

function validateDataSource(source: Obj, path: FieldPath, isRef: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const kind = str(source['kind']);
  if (str(source['name']) === '') errors.push(required([...path, 'name']));
  if (kind === '') errors.push(required([...path, 'kind']));
  const apiGroup = str(source['apiGroup']);
  if (apiGroup === '' && kind !== 'PersistentVolumeClaim') errors.push(invalid(path, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  if (apiGroup !== '') errors.push(...isDns1123Subdomain(apiGroup).map((m) => invalid([...path, 'apiGroup'], apiGroup, m)));
  const namespace = str(source['namespace']);
  if (isRef && namespace !== '') errors.push(...isDns1123Label(namespace).map((m) => invalid([...path, 'namespace'], namespace, m)));
  return errors;
}

/** PersistentVolumeClaimTemplate of an ephemeral volume: only labels and annotations may be set in its metadata. */
export const templateMetadataFields = new Set(['labels', 'annotations']);
