import { cloneData, isSet, num, obj, objects, str, type Obj } from '../access.js';
import { isDns1123Label } from '../content.js';
import { defaultClaimSpec } from '../defaults/pod.js';
import { gateEnabled } from '../features.js';
import { forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from '../field.js';
import { isEmptySelector, labelsOf, nameIsDnsLabel, nameIsDnsSubdomain, selectorOf, validateLabelSelector, validateNonnegative, validateObjectMeta } from '../meta.js';
import { validatePersistentVolumeClaimSpec } from '../pvc.js';
import { validatePodTemplateSpec } from '../pod/pod-spec.js';
import type { KindRules } from './kind.js';
import {
  defaultTemplate, intOrPercentValue, validateAlwaysRestarts, validateIntOrPercent, validateNotMoreThan100Percent, validateSelectorAndTemplate,
} from './workload-template.js';

/** apps/v1: Deployment, ReplicaSet, DaemonSet, StatefulSet (pkg/apis/apps/validation, pkg/apis/apps/v1/defaults.go). */

const spec = (object: Obj): Obj => {
  const value = obj(object['spec']);
  if (value) return value;
  const created: Obj = {};
  object['spec'] = created;
  return created;
};

export const deployment: KindRules = {
  prepare(object, { minor }) {
    const s = spec(object);
    if (!isSet(s['replicas'])) s['replicas'] = 1;
    const strategy = obj(s['strategy']) ?? (s['strategy'] = {});
    (strategy as Obj)['type'] ||= 'RollingUpdate';
    if ((strategy as Obj)['type'] === 'RollingUpdate') {
      const rolling = obj((strategy as Obj)['rollingUpdate']) ?? ((strategy as Obj)['rollingUpdate'] = {});
      if (!isSet((rolling as Obj)['maxUnavailable'])) (rolling as Obj)['maxUnavailable'] = '25%';
      if (!isSet((rolling as Obj)['maxSurge'])) (rolling as Obj)['maxSurge'] = '25%';
    }
    if (!isSet(s['revisionHistoryLimit'])) s['revisionHistoryLimit'] = 10;
    if (!isSet(s['progressDeadlineSeconds'])) s['progressDeadlineSeconds'] = 600;
    defaultTemplate(s['template'], minor);
  },
  validate(object, { pod }) {
    const s = spec(object);
    const path = ['spec'];
    const errors = validateObjectMeta(obj(object['metadata']), { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    errors.push(...validateNonnegative(num(s['replicas']), [...path, 'replicas']));
    errors.push(...validateSelectorAndTemplate(s, path, 'deployment', pod));
    errors.push(...validateDeploymentStrategy(obj(s['strategy']) ?? {}, [...path, 'strategy']));
    errors.push(...validateNonnegative(num(s['minReadySeconds']), [...path, 'minReadySeconds']));
    if (isSet(s['revisionHistoryLimit'])) errors.push(...validateNonnegative(num(s['revisionHistoryLimit']), [...path, 'revisionHistoryLimit']));
    if (isSet(s['progressDeadlineSeconds'])) {
      const deadline = num(s['progressDeadlineSeconds']);
      errors.push(...validateNonnegative(deadline, [...path, 'progressDeadlineSeconds']));
      if (deadline <= num(s['minReadySeconds'])) errors.push(invalid([...path, 'progressDeadlineSeconds'], deadline, 'must be greater than minReadySeconds'));
    }
    return errors;
  },
};

function validateDeploymentStrategy(strategy: Obj, path: FieldPath): FieldError[] {
  const type = str(strategy['type']);
  if (type === 'Recreate') {
    return isSet(strategy['rollingUpdate']) ? [forbidden([...path, 'rollingUpdate'], "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (type !== 'RollingUpdate') return [{ ...notSupported(path, strategy, ['Recreate', 'RollingUpdate']), at: [...path, 'type'] }];
  const rolling = obj(strategy['rollingUpdate']);
  if (!rolling) return [required([...path, 'rollingUpdate'], 'this should be defaulted and never be nil')];
  const at = [...path, 'rollingUpdate'];
  const errors = [...validateIntOrPercent(rolling['maxUnavailable'], [...at, 'maxUnavailable']), ...validateIntOrPercent(rolling['maxSurge'], [...at, 'maxSurge'])];
  if (intOrPercentValue(rolling['maxUnavailable']) === 0 && intOrPercentValue(rolling['maxSurge']) === 0) {
    errors.push(invalid([...at, 'maxUnavailable'], rolling['maxUnavailable'], 'may not be 0 when `maxSurge` is 0'));
  }
  errors.push(...validateNotMoreThan100Percent(rolling['maxUnavailable'], [...at, 'maxUnavailable']));
  return errors;
}

export const replicaSet: KindRules = {
  prepare(object, { minor }) {
    const s = spec(object);
    if (!isSet(s['replicas'])) s['replicas'] = 1;
    defaultTemplate(s['template'], minor);
  },
  validate(object, { pod }) {
    const s = spec(object);
    const errors = validateObjectMeta(obj(object['metadata']), { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    errors.push(...validateNonnegative(num(s['replicas']), ['spec', 'replicas']));
    errors.push(...validateNonnegative(num(s['minReadySeconds']), ['spec', 'minReadySeconds']));
    errors.push(...validateSelectorAndTemplate(s, ['spec'], 'deployment', pod));
    return errors;
  },
};

export const daemonSet: KindRules = {
  prepare(object, { minor }) {
    const s = spec(object);
    const strategy = (obj(s['updateStrategy']) ?? (s['updateStrategy'] = {})) as Obj;
    strategy['type'] ||= 'RollingUpdate';
    if (strategy['type'] === 'RollingUpdate') {
      const rolling = (obj(strategy['rollingUpdate']) ?? (strategy['rollingUpdate'] = {})) as Obj;
      if (!isSet(rolling['maxUnavailable'])) rolling['maxUnavailable'] = 1;
      if (!isSet(rolling['maxSurge'])) rolling['maxSurge'] = 0;
    }
    if (!isSet(s['revisionHistoryLimit'])) s['revisionHistoryLimit'] = 10;
    defaultTemplate(s['template'], minor);
  },
  validate(object, { pod }) {
    const s = spec(object);
    const path = ['spec'];
    const errors = validateObjectMeta(obj(object['metadata']), { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    const selector = s['selector'];
    errors.push(...validateLabelSelector(selector, [...path, 'selector']));
    const template = obj(s['template']) ?? {};
    const matches = selectorOf(selector);
    const templateLabels = obj(template['metadata'])?.['labels'];
    if (matches && !matches(labelsOf(templateLabels))) {
      errors.push(invalid([...path, 'template', 'metadata', 'labels'], templateLabels ?? {}, '`selector` does not match template `labels`'));
    }
    if (isSet(selector) && isEmptySelector(selector)) errors.push(invalid([...path, 'selector'], selector, 'empty selector is invalid for daemonset'));
    errors.push(...validatePodTemplateSpec(template, [...path, 'template'], pod));
    errors.push(...validateAlwaysRestarts(template, [...path, 'template'], 'daemonset'));
    errors.push(...validateNonnegative(num(s['minReadySeconds']), [...path, 'minReadySeconds']));
    errors.push(...validateNonnegative(num(s['templateGeneration']), [...path, 'templateGeneration']));
    errors.push(...validateDaemonSetStrategy(obj(s['updateStrategy']) ?? {}, [...path, 'updateStrategy']));
    if (isSet(s['revisionHistoryLimit'])) errors.push(...validateNonnegative(num(s['revisionHistoryLimit']), [...path, 'revisionHistoryLimit']));
    return errors;
  },
};

function validateDaemonSetStrategy(strategy: Obj, path: FieldPath): FieldError[] {
  const type = str(strategy['type']);
  if (type === 'OnDelete') return [];
  if (type !== 'RollingUpdate') return [{ ...notSupported(path, strategy, ['RollingUpdate', 'OnDelete']), at: [...path, 'type'] }];
  const rolling = obj(strategy['rollingUpdate']);
  if (!rolling) return [required([...path, 'rollingUpdate'])];
  const at = [...path, 'rollingUpdate'];
  const errors = [
    ...validateIntOrPercent(rolling['maxUnavailable'], [...at, 'maxUnavailable']),
    ...validateIntOrPercent(rolling['maxSurge'], [...at, 'maxSurge']),
    ...validateNotMoreThan100Percent(rolling['maxUnavailable'], [...at, 'maxUnavailable']),
    ...validateNotMoreThan100Percent(rolling['maxSurge'], [...at, 'maxSurge']),
  ];
  const unavailable = intOrPercentValue(rolling['maxUnavailable']) !== 0;
  const surge = intOrPercentValue(rolling['maxSurge']) !== 0;
  if (unavailable && surge) errors.push(invalid([...at, 'maxSurge'], rolling['maxSurge'], 'may not be set when maxUnavailable is non-zero'));
  else if (!unavailable && !surge) errors.push(required([...at, 'maxUnavailable'], 'cannot be 0 when maxSurge is 0'));
  return errors;
}

export const statefulSet: KindRules = {
  prepare(object, { minor }) {
    const s = spec(object);
    s['podManagementPolicy'] ||= 'OrderedReady';
    const strategy = (obj(s['updateStrategy']) ?? (s['updateStrategy'] = {})) as Obj;
    if (!strategy['type']) {
      strategy['type'] = 'RollingUpdate';
      if (!isSet(strategy['rollingUpdate'])) strategy['rollingUpdate'] = {};
    }
    const rolling = obj(strategy['rollingUpdate']);
    if (strategy['type'] === 'RollingUpdate' && rolling) {
      if (!isSet(rolling['partition'])) rolling['partition'] = 0;
      if (gateEnabled('MaxUnavailableStatefulSet', minor) && !isSet(rolling['maxUnavailable'])) rolling['maxUnavailable'] = 1;
    }
    if (rolling && !gateEnabled('MaxUnavailableStatefulSet', minor)) delete rolling['maxUnavailable'];
    const retention = (obj(s['persistentVolumeClaimRetentionPolicy']) ?? (s['persistentVolumeClaimRetentionPolicy'] = {})) as Obj;
    retention['whenDeleted'] ||= 'Retain';
    retention['whenScaled'] ||= 'Retain';
    if (!isSet(s['replicas'])) s['replicas'] = 1;
    if (!isSet(s['revisionHistoryLimit'])) s['revisionHistoryLimit'] = 10;
    for (const claim of objects(s['volumeClaimTemplates'])) defaultClaimSpec(obj(claim['spec']) ?? (claim['spec'] = {}));
    defaultTemplate(s['template'], minor);
  },
  validate(object, { pod }) {
    const s = spec(object);
    const path = ['spec'];
    const errors = validateObjectMeta(obj(object['metadata']), { namespaced: true, nameCheck: nameIsDnsLabel }, ['metadata']);
    const policy = str(s['podManagementPolicy']);
    if (policy === '') errors.push(required([...path, 'podManagementPolicy']));
    else if (policy !== 'OrderedReady' && policy !== 'Parallel') errors.push(invalid([...path, 'podManagementPolicy'], policy, "must be 'OrderedReady' or 'Parallel'"));
    errors.push(...validateStatefulSetStrategy(obj(s['updateStrategy']) ?? {}, [...path, 'updateStrategy']));
    const retention = obj(s['persistentVolumeClaimRetentionPolicy']);
    if (retention) {
      for (const key of ['whenDeleted', 'whenScaled']) {
        const value = str(retention[key]);
        if (value !== 'Retain' && value !== 'Delete') errors.push(notSupported([...path, 'persistentVolumeClaimRetentionPolicy', key], value, ['Retain', 'Delete']));
      }
    }
    objects(s['volumeClaimTemplates']).forEach((claim, i) => {
      errors.push(...validatePersistentVolumeClaimSpec(obj(claim['spec']) ?? {}, [...path, 'volumeClaimTemplates', i, 'spec']));
    });
    errors.push(...validateNonnegative(num(s['replicas']), [...path, 'replicas']));
    errors.push(...validateNonnegative(num(s['minReadySeconds']), [...path, 'minReadySeconds']));
    const ordinals = obj(s['ordinals']);
    if (ordinals) errors.push(...validateNonnegative(num(ordinals['start']), [...path, 'ordinals', 'start']));
    const serviceName = str(s['serviceName']);
    if (serviceName !== '') errors.push(...isDns1123Label(serviceName).map((m) => invalid([...path, 'serviceName'], serviceName, m)));
    errors.push(...validateStatefulSetTemplate(s, path, pod));
    return errors;
  },
};

/**
 * A StatefulSet's template is validated with the claim templates as volumes
 * (so mounts may name them) and without hostname and subdomain, which the
 * controller sets.
 */
function validateStatefulSetTemplate(s: Obj, path: FieldPath, pod: Parameters<typeof validatePodTemplateSpec>[2]): FieldError[] {
  const template = cloneData(obj(s['template']) ?? {});
  const templateSpec = (obj(template['spec']) ?? (template['spec'] = {})) as Obj;
  delete templateSpec['hostname'];
  delete templateSpec['subdomain'];
  const claims = objects(s['volumeClaimTemplates']);
  // Where each validated volume came from: a claim template, or the template's own volume at that index.
  let origins: ('claim' | number)[] = [];
  if (claims.length > 0) {
    const claimNames = [...new Set(claims.map((c) => str(obj(c['metadata'])?.['name'])))];
    const own = objects(templateSpec['volumes']).map((v, i) => [v, i] as const).filter(([v]) => !claimNames.includes(str(v['name'])));
    templateSpec['volumes'] = [...claimNames.map((name) => ({ name, persistentVolumeClaim: { claimName: name } })), ...own.map(([v]) => v)];
    origins = [...claimNames.map(() => 'claim' as const), ...own.map(([, i]) => i)];
  }
  const errors = validateSelectorAndTemplate({ ...s, template }, path, 'statefulset', pod, false);
  errors.push(...validateAlwaysRestarts(obj(s['template']) ?? {}, [...path, 'template'], 'statefulset'));
  return origins.length === 0 ? errors : errors.map((e) => remapVolume(e, [...path, 'template', 'spec', 'volumes'], origins, [...path, 'volumeClaimTemplates']));
}

/** Errors about a volume point at the claim template or at the template's own volume it came from. */
function remapVolume(error: FieldError, prefix: FieldPath, origins: readonly ('claim' | number)[], claimsPath: FieldPath): FieldError {
  const at = error.at ?? error.path;
  if (at.length <= prefix.length || prefix.some((p, i) => at[i] !== p) || typeof at[prefix.length] !== 'number') return error;
  const origin = origins[at[prefix.length] as number];
  if (origin === undefined) return error;
  return { ...error, at: origin === 'claim' ? claimsPath : [...prefix, origin, ...at.slice(prefix.length + 1)] };
}

function validateStatefulSetStrategy(strategy: Obj, path: FieldPath): FieldError[] {
  const type = str(strategy['type']);
  const rolling = obj(strategy['rollingUpdate']);
  if (type === '') return [required(path)];
  if (type === 'OnDelete') return rolling ? [invalid([...path, 'rollingUpdate'], rolling, "only allowed for updateStrategy 'RollingUpdate'")] : [];
  if (type !== 'RollingUpdate') return [{ ...invalid(path, strategy, "must be 'RollingUpdate' or 'OnDelete'"), at: [...path, 'type'] }];
  if (!rolling) return [];
  const at = [...path, 'rollingUpdate'];
  const errors = validateNonnegative(num(rolling['partition']), [...at, 'partition']);
  if (isSet(rolling['maxUnavailable'])) {
    errors.push(...validateIntOrPercent(rolling['maxUnavailable'], [...at, 'maxUnavailable']));
    if (intOrPercentValue(rolling['maxUnavailable']) === 0) errors.push(invalid([...at, 'maxUnavailable'], rolling['maxUnavailable'], 'cannot be 0'));
    errors.push(...validateNotMoreThan100Percent(rolling['maxUnavailable'], [...at, 'maxUnavailable']));
  }
  return errors;
}
