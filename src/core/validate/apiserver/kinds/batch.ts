import { isSet, list, num, obj, objects, str, type Obj } from '../access.js';
import { byteLength, isDns1123Label, isDomainPrefixedPath, isQualifiedName } from '../content.js';
import { cronScheduleError } from '../cron.js';
import { duplicate, invalid, notSupported, required, tooLong, tooMany, type FieldError, type FieldPath } from '../field.js';
import { labelsOf, nameIsDnsSubdomain, selectorOf, validateLabelSelector, validateNonnegative, validateObjectMeta } from '../meta.js';
import { validatePodTemplateSpec } from '../pod/pod-spec.js';
import type { PodOptions } from '../pod/options.js';
import { isKnownTimeZone } from '../time-zone-check.js';
import type { KindRules } from './kind.js';
import { defaultTemplate } from './workload-template.js';

/** batch/v1: Job and CronJob (pkg/apis/batch/validation, pkg/apis/batch/v1/defaults.go, the job strategy's selector generation). */

/** The uid the API server gives a new object; any value works for the label checks it feeds. */
const placeholderUid = '00000000-0000-4000-8000-000000000000';
const labels = { legacyName: 'job-name', name: 'batch.kubernetes.io/job-name', legacyUid: 'controller-uid', uid: 'batch.kubernetes.io/controller-uid' };

/** SetDefaults_Job, for a Job; a CronJob's job template only gets its nested defaults (see templateDefaults). */
function defaultJobSpec(spec: Obj, minor: number): void {
  if (!isSet(spec['completions']) && !isSet(spec['parallelism'])) {
    spec['completions'] = 1;
    spec['parallelism'] = 1;
  }
  if (!isSet(spec['parallelism'])) spec['parallelism'] = 1;
  if (!isSet(spec['backoffLimit'])) spec['backoffLimit'] = isSet(spec['backoffLimitPerIndex']) ? 2147483647 : 6;
  if (!isSet(spec['completionMode'])) spec['completionMode'] = 'NonIndexed';
  if (!isSet(spec['suspend'])) spec['suspend'] = false;
  if (!isSet(spec['podReplacementPolicy'])) spec['podReplacementPolicy'] = isSet(spec['podFailurePolicy']) ? 'Failed' : 'TerminatingOrFailed';
  if (!isSet(spec['manualSelector'])) spec['manualSelector'] = false;
  templateDefaults(spec, minor);
}

/** The defaults of what a JobSpec holds: all a CronJob's job template gets (SetObjectDefaults_CronJob). */
function templateDefaults(spec: Obj, minor: number): void {
  for (const rule of objects(obj(spec['podFailurePolicy'])?.['rules'])) {
    for (const pattern of objects(rule['onPodConditions'])) pattern['status'] ||= 'True';
  }
  defaultTemplate(spec['template'], minor);
}

export const job: KindRules = {
  prepare(object, { minor }) {
    const spec = (obj(object['spec']) ?? (object['spec'] = {})) as Obj;
    const metadata = (obj(object['metadata']) ?? (object['metadata'] = {})) as Obj;
    const template = (obj(spec['template']) ?? (spec['template'] = {})) as Obj;
    const templateMeta = (obj(template['metadata']) ?? (template['metadata'] = {})) as Obj;
    const templateLabels = obj(templateMeta['labels']);
    if (templateLabels && Object.keys(templateLabels).length > 0 && !isSet(metadata['labels'])) metadata['labels'] = { ...templateLabels };
    defaultJobSpec(spec, minor);
    metadata['uid'] = placeholderUid;
    if (spec['manualSelector'] !== true) {
      // generateSelector: the job's name and uid become pod labels, and the uid the selector.
      const podLabels = (obj(templateMeta['labels']) ?? (templateMeta['labels'] = {})) as Obj;
      const name = str(metadata['name']);
      for (const key of [labels.legacyName, labels.name]) if (!Object.hasOwn(podLabels, key)) podLabels[key] = name;
      for (const key of [labels.legacyUid, labels.uid]) if (!Object.hasOwn(podLabels, key)) podLabels[key] = placeholderUid;
      const selector = (obj(spec['selector']) ?? (spec['selector'] = {})) as Obj;
      const matchLabels = (obj(selector['matchLabels']) ?? (selector['matchLabels'] = {})) as Obj;
      if (!Object.hasOwn(matchLabels, labels.uid)) matchLabels[labels.uid] = placeholderUid;
    }
  },
  validate(object, { pod }) {
    const metadata = obj(object['metadata']) ?? {};
    const spec = obj(object['spec']) ?? {};
    const errors = validateObjectMeta(metadata, { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    errors.push(...validateGeneratedSelector(metadata, spec));
    errors.push(...validateJobSpec(spec, ['spec'], pod));
    if (!isSet(spec['selector'])) errors.push(required(['spec', 'selector']));
    else errors.push(...validateLabelSelector(spec['selector'], ['spec', 'selector']));
    const matches = selectorOf(spec['selector']);
    const templateLabels = obj(obj(spec['template'])?.['metadata'])?.['labels'];
    if (matches && !matches(labelsOf(templateLabels))) {
      errors.push(invalid(['spec', 'template', 'metadata', 'labels'], templateLabels ?? {}, '`selector` does not match template `labels`'));
    }
    const name = str(metadata['name']);
    const completions = num(spec['completions']);
    if (spec['completionMode'] === 'Indexed' && isSet(spec['completions']) && completions > 0) {
      const hostname = `${name}-${completions - 1}`;
      if (isDns1123Label(hostname).length > 0) {
        errors.push(invalid(['metadata', 'name'], name, `will not able to create pod with invalid DNS label: ${hostname}`));
      }
    }
    return errors;
  },
};

function validateGeneratedSelector(metadata: Obj, spec: Obj): FieldError[] {
  if (spec['manualSelector'] === true || !isSet(spec['selector'])) return [];
  const errors: FieldError[] = [];
  const name = str(metadata['name']);
  const uid = str(metadata['uid']);
  const podLabels = labelsOf(obj(obj(spec['template'])?.['metadata'])?.['labels']);
  const templateMeta = ['spec', 'template', 'metadata'];
  for (const [key, expected] of [[labels.legacyUid, uid], [labels.legacyName, name], [labels.uid, uid], [labels.name, name]] as const) {
    if (!Object.hasOwn(podLabels, key)) errors.push(required([...templateMeta, 'labels', key], `must be '${expected}'`));
    else if (podLabels[key] !== expected) errors.push(invalid([...templateMeta, 'labels', key], podLabels, `must be '${expected}'`));
  }
  const matches = selectorOf(spec['selector']);
  const expectedLabels = { [labels.uid]: uid, [labels.name]: name, [labels.legacyUid]: uid, [labels.legacyName]: name };
  if (matches && !matches(expectedLabels)) errors.push(invalid(['spec', 'selector'], spec['selector'], '`selector` not auto-generated'));
  return errors;
}

const failureActions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const conditionStatuses = ['False', 'True', 'Unknown'];

function validateJobSpec(spec: Obj, path: FieldPath, pod: PodOptions): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex']) {
    if (isSet(spec[key])) errors.push(...validateNonnegative(num(spec[key]), [...path, key]));
  }
  const completions = isSet(spec['completions']) ? num(spec['completions']) : undefined;
  const parallelism = isSet(spec['parallelism']) ? num(spec['parallelism']) : undefined;
  const maxFailed = isSet(spec['maxFailedIndexes']) ? num(spec['maxFailedIndexes']) : undefined;
  const perIndex = isSet(spec['backoffLimitPerIndex']);
  if (maxFailed !== undefined) {
    errors.push(...validateNonnegative(maxFailed, [...path, 'maxFailedIndexes']));
    if (!perIndex) errors.push(required([...path, 'backoffLimitPerIndex'], 'when maxFailedIndexes is specified'));
  }
  if (isSet(spec['managedBy'])) {
    const managedBy = str(spec['managedBy']);
    if (managedBy === '') errors.push(required([...path, 'managedBy']));
    else errors.push(...isDomainPrefixedPath(managedBy).map((m) => invalid([...path, 'managedBy'], managedBy, m)));
    if (byteLength(managedBy) > 63) errors.push(tooLong([...path, 'managedBy'], 63));
  }
  const mode = isSet(spec['completionMode']) ? str(spec['completionMode']) : undefined;
  if (mode !== undefined) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errors.push(notSupported([...path, 'completionMode'], mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (completions === undefined) errors.push(required([...path, 'completions'], 'when completion mode is Indexed'));
      if (parallelism !== undefined && parallelism > 100000) errors.push(invalid([...path, 'parallelism'], parallelism, 'must be less than or equal to 100000 when completion mode is Indexed'));
      if (completions !== undefined && maxFailed !== undefined && maxFailed > completions) errors.push(invalid([...path, 'maxFailedIndexes'], maxFailed, 'must be less than or equal to completions'));
      if (maxFailed !== undefined && maxFailed > 100000) errors.push(invalid([...path, 'maxFailedIndexes'], maxFailed, 'must be less than or equal to 100000'));
      if (completions !== undefined && completions > 100000 && perIndex) {
        if (maxFailed === undefined) errors.push(required([...path, 'maxFailedIndexes'], 'must be specified when completions is above 100000'));
        if (parallelism !== undefined && parallelism > 10000) errors.push(invalid([...path, 'parallelism'], parallelism, 'must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index'));
        if (maxFailed !== undefined && maxFailed > 10000) errors.push(invalid([...path, 'maxFailedIndexes'], maxFailed, 'must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index'));
      }
    }
  }
  if (mode === undefined || mode === 'NonIndexed') {
    if (perIndex) errors.push(invalid([...path, 'backoffLimitPerIndex'], num(spec['backoffLimitPerIndex']), 'requires indexed completion mode'));
    if (maxFailed !== undefined) errors.push(invalid([...path, 'maxFailedIndexes'], maxFailed, 'requires indexed completion mode'));
  }
  const template = obj(spec['template']) ?? {};
  const podSpec = obj(template['spec']) ?? {};
  const failurePolicy = obj(spec['podFailurePolicy']);
  if (failurePolicy) errors.push(...validatePodFailurePolicy(failurePolicy, podSpec, perIndex, [...path, 'podFailurePolicy']));
  const successPolicy = obj(spec['successPolicy']);
  if (successPolicy) {
    if (mode !== 'Indexed') errors.push(invalid([...path, 'successPolicy'], successPolicy, 'requires indexed completion mode'));
    else errors.push(...validateSuccessPolicy(successPolicy, completions ?? 0, [...path, 'successPolicy']));
  }
  if (isSet(spec['podReplacementPolicy'])) {
    const policy = str(spec['podReplacementPolicy']);
    if (failurePolicy && policy !== 'Failed') errors.push(notSupported([...path, 'podReplacementPolicy'], policy, ['Failed']));
    else if (!failurePolicy && policy !== 'Failed' && policy !== 'TerminatingOrFailed') errors.push(notSupported([...path, 'podReplacementPolicy'], policy, ['Failed', 'TerminatingOrFailed']));
  }
  errors.push(...validatePodTemplateSpec(template, [...path, 'template'], pod));
  const restart = str(podSpec['restartPolicy']);
  const restartAt = [...path, 'template', 'spec', 'restartPolicy'];
  if (restart === 'Always' || restart === '') errors.push(required(restartAt, 'valid values: "OnFailure", "Never"'));
  else if (restart !== 'OnFailure' && restart !== 'Never') errors.push(notSupported(restartAt, restart, ['OnFailure', 'Never']));
  else if (failurePolicy && restart !== 'Never') errors.push(invalid(restartAt, restart, 'only "Never" is supported when podFailurePolicy is specified'));
  return errors;
}

function validatePodFailurePolicy(policy: Obj, podSpec: Obj, perIndex: boolean, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const rules = objects(policy['rules']);
  if (rules.length > 20) errors.push(tooMany([...path, 'rules'], rules.length, 20));
  const containerNames = new Set([...objects(podSpec['containers']), ...objects(podSpec['initContainers'])].map((c) => str(c['name'])));
  rules.forEach((rule, i) => {
    const at = [...path, 'rules', i];
    const action = str(rule['action']);
    if (action === '') errors.push(required([...at, 'action'], `valid values: ["${failureActions.join('" "')}"]`));
    else if (action === 'FailIndex') {
      if (!perIndex) errors.push(invalid([...at, 'action'], action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!failureActions.includes(action)) errors.push(notSupported([...at, 'action'], action, failureActions));
    const onExitCodes = obj(rule['onExitCodes']);
    const onConditions = objects(rule['onPodConditions']);
    if (onExitCodes) errors.push(...validateOnExitCodes(onExitCodes, containerNames, [...at, 'onExitCodes']));
    if (onConditions.length > 0) {
      if (onConditions.length > 20) errors.push(tooMany([...at, 'onPodConditions'], onConditions.length, 20));
      onConditions.forEach((pattern, j) => {
        const patternAt = [...at, 'onPodConditions', j];
        const type = str(pattern['type']);
        errors.push(...isQualifiedName(type).map((m) => invalid([...patternAt, 'type'], type, m)));
        const status = str(pattern['status']);
        if (status === '') errors.push(required([...patternAt, 'status'], `valid values: ["${conditionStatuses.join('" "')}"]`));
        else if (!conditionStatuses.includes(status)) errors.push(notSupported([...patternAt, 'status'], status, conditionStatuses));
      });
    }
    if (onExitCodes && onConditions.length > 0) errors.push(invalid(at, undefined, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!onExitCodes && onConditions.length === 0) errors.push(invalid(at, undefined, 'specifying one of OnExitCodes and OnPodConditions is required'));
  });
  return errors;
}

function validateOnExitCodes(requirement: Obj, containerNames: ReadonlySet<string>, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const operator = str(requirement['operator']);
  if (operator === '') errors.push(required([...path, 'operator'], 'valid values: ["In" "NotIn"]'));
  else if (operator !== 'In' && operator !== 'NotIn') errors.push(notSupported([...path, 'operator'], operator, ['In', 'NotIn']));
  if (isSet(requirement['containerName']) && !containerNames.has(str(requirement['containerName']))) {
    errors.push(invalid([...path, 'containerName'], str(requirement['containerName']), 'must be one of the container or initContainer names in the pod template'));
  }
  const values = list(requirement['values']).map(num);
  if (values.length === 0) errors.push(invalid([...path, 'values'], values, 'at least one value is required'));
  else if (values.length > 255) errors.push(tooMany([...path, 'values'], values.length, 255));
  const seen = new Set<number>();
  let ordered = true;
  values.forEach((value, j) => {
    if (operator === 'In' && value === 0) errors.push(invalid([...path, 'values', j], value, 'must not be 0 for the In operator'));
    if (seen.has(value)) errors.push(duplicate([...path, 'values', j], value));
    else seen.add(value);
    if (j > 0 && values[j - 1]! > value) ordered = false;
  });
  if (!ordered) errors.push(invalid([...path, 'values'], values, 'must be ordered'));
  return errors;
}

function validateSuccessPolicy(policy: Obj, completions: number, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const rules = objects(policy['rules']);
  if (rules.length === 0) errors.push(required([...path, 'rules'], 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > 20) errors.push(tooMany([...path, 'rules'], rules.length, 20));
  rules.forEach((rule, i) => {
    const at = [...path, 'rules', i];
    const count = isSet(rule['succeededCount']) ? num(rule['succeededCount']) : undefined;
    const indexes = isSet(rule['succeededIndexes']) ? str(rule['succeededIndexes']) : undefined;
    if (count === undefined && indexes === undefined) errors.push(required(at, 'at least one of succeededCount or succeededIndexes must be specified'));
    let total = 0;
    if (indexes !== undefined) {
      if (byteLength(indexes) > 64 * 1024) errors.push(tooLong([...at, 'succeededIndexes'], 64 * 1024));
      const parsed = parseIndexes(indexes, completions);
      if (typeof parsed === 'string') errors.push(invalid([...at, 'succeededIndexes'], indexes, `error parsing succeededIndexes: ${parsed}`));
      else total = parsed;
    }
    if (count !== undefined) {
      errors.push(...validateNonnegative(count, [...at, 'succeededCount']));
      if (count > completions) errors.push(invalid([...at, 'succeededCount'], count, `must be less than or equal to ${completions} (the number of specified completions)`));
      if (indexes !== undefined && count > total) errors.push(invalid([...at, 'succeededCount'], count, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
    }
  });
  return errors;
}

/** validateIndexesFormat: "1,3-5,7", increasing, below completions. Returns the number of indexes or the error. */
function parseIndexes(text: string, completions: number): number | string {
  if (text === '') return 0;
  let last: number | undefined;
  let total = 0;
  for (const interval of text.split(',')) {
    const limits = interval.split('-');
    if (limits.length > 2) return `the fragment ${JSON.stringify(interval)} violates the requirement that an index interval can have at most two parts separated by '-'`;
    const parse = (part: string): number | string => (/^[+-]?[0-9]+$/.test(part) ? Number(part) : `cannot convert string to integer for index: ${JSON.stringify(part)}`);
    const x = parse(limits[0]!);
    if (typeof x === 'string') return x;
    if (x >= completions) return `too large index: ${JSON.stringify(limits[0])}`;
    let y = x;
    if (limits.length > 1) {
      const parsed = parse(limits[1]!);
      if (typeof parsed === 'string') return parsed;
      if (parsed >= completions) return `too large index: ${JSON.stringify(limits[1])}`;
      if (x >= parsed) return `non-increasing order, previous: ${x}, current: ${parsed}`;
      y = parsed;
    }
    if (last !== undefined && last >= x) return `non-increasing order, previous: ${last}, current: ${x}`;
    total += y - x + 1;
    last = y;
  }
  return total;
}

export const cronJob: KindRules = {
  prepare(object, { minor }) {
    const spec = (obj(object['spec']) ?? (object['spec'] = {})) as Obj;
    spec['concurrencyPolicy'] ||= 'Allow';
    if (!isSet(spec['suspend'])) spec['suspend'] = false;
    if (!isSet(spec['successfulJobsHistoryLimit'])) spec['successfulJobsHistoryLimit'] = 3;
    if (!isSet(spec['failedJobsHistoryLimit'])) spec['failedJobsHistoryLimit'] = 1;
    const jobSpec = obj(obj(spec['jobTemplate'])?.['spec']);
    if (jobSpec) templateDefaults(jobSpec, minor);
  },
  validate(object, { pod }) {
    const metadata = obj(object['metadata']) ?? {};
    const spec = obj(object['spec']) ?? {};
    const path = ['spec'];
    const errors = validateObjectMeta(metadata, { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    const schedule = str(spec['schedule']);
    if (schedule === '') errors.push(required([...path, 'schedule']));
    else {
      const problem = cronScheduleError(schedule);
      if (problem) errors.push(invalid([...path, 'schedule'], schedule, problem));
      if (schedule.includes('TZ')) errors.push(invalid([...path, 'schedule'], schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
    if (isSet(spec['startingDeadlineSeconds'])) errors.push(...validateNonnegative(num(spec['startingDeadlineSeconds']), [...path, 'startingDeadlineSeconds']));
    if (isSet(spec['timeZone'])) errors.push(...validateTimeZone(str(spec['timeZone']), [...path, 'timeZone']));
    const policy = str(spec['concurrencyPolicy']);
    if (policy === '') errors.push(required([...path, 'concurrencyPolicy']));
    else if (!['Allow', 'Forbid', 'Replace'].includes(policy)) errors.push(notSupported([...path, 'concurrencyPolicy'], policy, ['Allow', 'Forbid', 'Replace']));
    const jobTemplate = obj(spec['jobTemplate']) ?? {};
    const jobSpec = obj(jobTemplate['spec']) ?? {};
    errors.push(...validateJobSpec(jobSpec, [...path, 'jobTemplate', 'spec'], pod));
    if (isSet(jobSpec['selector'])) errors.push(invalid([...path, 'jobTemplate', 'spec', 'selector'], jobSpec['selector'], '`selector` will be auto-generated'));
    if (jobSpec['manualSelector'] === true) errors.push(notSupported([...path, 'jobTemplate', 'spec', 'manualSelector'], true, ['nil', 'false']));
    for (const key of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) {
      if (isSet(spec[key])) errors.push(...validateNonnegative(num(spec[key]), [...path, key]));
    }
    const name = str(metadata['name']);
    if (byteLength(name) > 52) errors.push(invalid(['metadata', 'name'], name, 'must be no more than 52 characters'));
    return errors;
  },
};

function validateTimeZone(zone: string, path: FieldPath): FieldError[] {
  if (zone === '') return [invalid(path, zone, 'timeZone must be nil or non-empty string')];
  for (const part of zone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !/^[A-Za-z.\-_0-9+]{1,14}$/.test(part)) return [invalid(path, zone, `unknown time zone ${zone}`)];
  }
  const errors: FieldError[] = [];
  if (zone.toLowerCase() === 'local') errors.push(invalid(path, zone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  if (!isKnownTimeZone(zone)) errors.push(invalid(path, zone, `unknown time zone ${zone}`));
  return errors;
}
