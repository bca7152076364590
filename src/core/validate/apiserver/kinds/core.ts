import { entries, isSet, num, obj, str, strings, type Obj } from '../access.js';
import { byteLength, isConfigMapKey, isQualifiedName } from '../content.js';
import { defaultClaimSpec } from '../defaults/pod.js';
import { gateEnabled } from '../features.js';
import { invalid, omitted, required, tooLong, type FieldError } from '../field.js';
import { labelsOf, nameIsDnsLabel, nameIsDnsSubdomain, validateKubeFinalizerName, validateNonnegative, validateObjectMeta } from '../meta.js';
import { validatePersistentVolumeClaimSpec } from '../pvc.js';
import { copyTopLevel, type KindRules } from './kind.js';
import { defaultTemplate, validateTemplateAgainstSelector } from './workload-template.js';

/** v1 ConfigMap, Secret, ServiceAccount, Namespace, PersistentVolumeClaim and ReplicationController. */

const maxDataSize = 1024 * 1024;
const decodedLength = (value: unknown): number => (typeof value === 'string' ? Buffer.from(value.replace(/[\r\n]/g, ''), 'base64').length : 0);

export const configMap: KindRules = {
  copy: copyTopLevel,
  prepare(object) {
    if (!isSet(object['data'])) object['data'] = {};
  },
  validate(object) {
    const errors = validateObjectMeta(obj(object['metadata']), { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    const binary = obj(object['binaryData']) ?? {};
    let size = 0;
    for (const [key, value] of entries(object['data'])) {
      errors.push(...isConfigMapKey(key).map((m) => invalid(['data', key], key, m)));
      if (Object.hasOwn(binary, key)) errors.push(invalid(['data', key], key, 'duplicate of key present in binaryData'));
      size += byteLength(str(value));
    }
    for (const [key, value] of entries(binary)) {
      errors.push(...isConfigMapKey(key).map((m) => invalid(['binaryData', key], key, m)));
      size += decodedLength(value);
    }
    if (size > maxDataSize) errors.push(tooLong([], maxDataSize));
    return errors;
  },
};

const secretKeys = { serviceAccount: 'kubernetes.io/service-account.name', dockercfg: '.dockercfg', dockerconfigjson: '.dockerconfigjson' };

export const secret: KindRules = {
  copy: copyTopLevel,
  prepare(object) {
    object['type'] ||= 'Opaque';
  },
  validate(object) {
    const metadata = obj(object['metadata']) ?? {};
    const errors = validateObjectMeta(metadata, { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    // stringData is merged into data (its values win) when the object is converted.
    const data = new Map<string, string>();
    for (const [key, value] of entries(object['data'])) data.set(key, Buffer.from(str(value).replace(/[\r\n]/g, ''), 'base64').toString('latin1'));
    for (const [key, value] of entries(object['stringData'])) data.set(key, Buffer.from(str(value), 'utf8').toString('latin1'));
    let size = 0;
    for (const [key, value] of data) {
      const at = Object.hasOwn(obj(object['data']) ?? {}, key) ? ['data', key] : ['stringData', key];
      errors.push(...isConfigMapKey(key).map((m) => ({ ...invalid(['data', key], key, m), at })));
      size += value.length;
    }
    if (size > maxDataSize) errors.push(tooLong(['data'], maxDataSize));
    const needs = (key: string) => (data.has(key) ? [] : [{ ...required(['data', key]), at: ['data'] }]);
    const json = (key: string): FieldError[] => {
      if (!data.has(key)) return needs(key);
      const problem = jsonObjectProblem(Buffer.from(data.get(key)!, 'latin1').toString('utf8'));
      return problem ? [{ ...invalid(['data', key], omitted, problem), at: ['data', key] }] : [];
    };
    switch (str(object['type'])) {
      case 'kubernetes.io/service-account-token':
        if (str(obj(metadata['annotations'])?.[secretKeys.serviceAccount]) === '') errors.push({ ...required(['metadata', 'annotations', secretKeys.serviceAccount]), at: ['metadata'] });
        break;
      case 'kubernetes.io/dockercfg':
        errors.push(...json(secretKeys.dockercfg));
        break;
      case 'kubernetes.io/dockerconfigjson':
        errors.push(...json(secretKeys.dockerconfigjson));
        break;
      case 'kubernetes.io/basic-auth':
        if (!data.has('username') && !data.has('password')) errors.push(...needs('username'), ...needs('password'));
        break;
      case 'kubernetes.io/ssh-auth':
        if ((data.get('ssh-privatekey') ?? '') === '') errors.push({ ...required(['data', 'ssh-privatekey']), at: data.has('ssh-privatekey') ? ['data', 'ssh-privatekey'] : ['data'] });
        break;
      case 'kubernetes.io/tls':
        errors.push(...needs('tls.crt'), ...needs('tls.key'));
        break;
      default:
    }
    return errors;
  },
};

/** What Go's json.Unmarshal into map[string]interface{} says about a value, or undefined when it takes it. */
function jsonObjectProblem(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  if (value === null || (typeof value === 'object' && !Array.isArray(value))) return undefined;
  return `json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type map[string]interface {}`;
}

export const serviceAccount: KindRules = {
  copy: copyTopLevel,
  prepare() {},
  validate(object) {
    return validateObjectMeta(obj(object['metadata']), { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
  },
};

export const namespace: KindRules = {
  prepare(object) {
    const metadata = (obj(object['metadata']) ?? (object['metadata'] = {})) as Obj;
    const name = str(metadata['name']);
    if (name !== '') metadata['labels'] = { ...(obj(metadata['labels']) ?? {}), 'kubernetes.io/metadata.name': name };
    const spec = (obj(object['spec']) ?? (object['spec'] = {})) as Obj;
    const finalizers = strings(spec['finalizers']);
    if (!finalizers.includes('kubernetes')) spec['finalizers'] = finalizers.length === 0 ? ['kubernetes'] : [...finalizers, 'kubernetes'];
  },
  validate(object) {
    const errors = validateObjectMeta(obj(object['metadata']), { namespaced: false, nameCheck: nameIsDnsLabel }, ['metadata']);
    const spec = obj(object['spec']) ?? {};
    strings(spec['finalizers']).forEach((name, i) => {
      const at = ['spec', 'finalizers', i];
      errors.push(...isQualifiedName(name).map((m) => ({ ...invalid(['spec', 'finalizers'], name, m), at })));
      errors.push(...validateKubeFinalizerName(name, ['spec', 'finalizers']).map((e) => ({ ...e, at })));
    });
    return errors;
  },
};

export const persistentVolumeClaim: KindRules = {
  prepare(object, { minor }) {
    const spec = (obj(object['spec']) ?? (object['spec'] = {})) as Obj;
    defaultClaimSpec(spec);
    // pvcutil.DropDisabledFields: a cross-namespace data source needs CrossNamespaceVolumeDataSource (alpha, off).
    if (!gateEnabled('CrossNamespaceVolumeDataSource', minor)) delete obj(spec['dataSourceRef'])?.['namespace'];
    const dataSource = obj(spec['dataSource']);
    if (!isSet(spec['dataSourceRef']) && dataSource) {
      // Historically only PVCs and VolumeSnapshots may be dataSources; others are dropped silently.
      const group = str(dataSource['apiGroup']);
      const kind = str(dataSource['kind']);
      const known = (kind === 'PersistentVolumeClaim' && group === '') || (kind === 'VolumeSnapshot' && group === 'snapshot.storage.k8s.io');
      if (!known) delete spec['dataSource'];
    }
    const source = obj(spec['dataSource']);
    const ref = obj(spec['dataSourceRef']);
    if (source && !ref) spec['dataSourceRef'] = { kind: source['kind'], name: source['name'], ...(isSet(source['apiGroup']) ? { apiGroup: source['apiGroup'] } : {}) };
    else if (ref && !source && str(ref['namespace']) === '') spec['dataSource'] = { kind: ref['kind'], name: ref['name'], ...(isSet(ref['apiGroup']) ? { apiGroup: ref['apiGroup'] } : {}) };
  },
  validate(object) {
    return [
      ...validateObjectMeta(obj(object['metadata']), { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']),
      ...validatePersistentVolumeClaimSpec(obj(object['spec']) ?? {}, ['spec']),
    ];
  },
};

export const replicationController: KindRules = {
  prepare(object, { minor }) {
    const spec = (obj(object['spec']) ?? (object['spec'] = {})) as Obj;
    const metadata = (obj(object['metadata']) ?? (object['metadata'] = {})) as Obj;
    const templateLabels = obj(obj(obj(spec['template'])?.['metadata'])?.['labels']);
    if (templateLabels) {
      if (entries(spec['selector']).length === 0) spec['selector'] = { ...templateLabels };
      if (entries(metadata['labels']).length === 0) metadata['labels'] = { ...templateLabels };
    }
    if (!isSet(spec['replicas'])) spec['replicas'] = 1;
    defaultTemplate(spec['template'], minor);
  },
  validate(object, { pod }) {
    const spec = obj(object['spec']) ?? {};
    const errors = validateObjectMeta(obj(object['metadata']), { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    errors.push(...validateNonnegative(num(spec['minReadySeconds']), ['spec', 'minReadySeconds']));
    const selector = labelsOf(spec['selector']);
    if (Object.keys(selector).length === 0) errors.push(required(['spec', 'selector']));
    if (!isSet(spec['replicas'])) errors.push(required(['spec', 'replicas']));
    else errors.push(...validateNonnegative(num(spec['replicas']), ['spec', 'replicas']));
    const template = obj(spec['template']);
    if (!template) errors.push(required(['spec', 'template']));
    else {
      // A map selector: every key and value must match; an empty one matches every pod and is not compared.
      const matchLabels = Object.keys(selector).length > 0 ? { matchLabels: selector } : {};
      const templateErrors = validateTemplateAgainstSelector(template, matchLabels, ['spec', 'template'], pod, 'ReplicationController');
      errors.push(...templateErrors.map((e) => (e.detail.startsWith('activeDeadlineSeconds') ? { ...e, detail: 'activeDeadlineSeconds in ReplicationController is not Supported' } : e)));
    }
    return errors;
  },
};
