import { isSet, list, num, obj, objects, str, type Obj } from '../access.js';
import { isDns1123Label, isValidPortName, isValidPortNum } from '../content.js';
import { duplicate, forbidden, invalid, notFound, notSupported, required, tooMany, type FieldError, type FieldPath } from '../field.js';
import { validateEnv, validateEnvFrom } from './env.js';
import type { PodOptions } from './options.js';
import { validateLifecycle, validateProbe } from './probes.js';
import { validateResourceRequirements } from './resources.js';
import { validateContainerSecurityContext } from './security.js';
import { validateMounts } from './mounts.js';
import type { VolumeInfo } from './volumes.js';

/** Containers, init containers and ephemeral containers of a pod spec. */

export interface ContainerContext {
  volumes: Map<string, VolumeInfo>;
  podClaimNames: ReadonlySet<string>;
  gracePeriod: number | undefined;
  podRestartPolicy: string;
  hostUsers: boolean;
  options: PodOptions;
}

const protocols = ['SCTP', 'TCP', 'UDP'];
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

function validatePorts(ports: unknown, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  objects(ports).forEach((port, i) => {
    const at = [...path, i];
    const name = str(port['name']);
    if (name !== '') {
      const problems = isValidPortName(name);
      if (problems.length > 0) errors.push(...problems.map((m) => invalid([...at, 'name'], name, m)));
      else if (names.has(name)) errors.push(duplicate([...at, 'name'], name));
      else names.add(name);
    }
    const containerPort = num(port['containerPort']);
    if (containerPort === 0) errors.push(required([...at, 'containerPort']));
    else errors.push(...isValidPortNum(containerPort).map((m) => invalid([...at, 'containerPort'], containerPort, m)));
    const hostPort = num(port['hostPort']);
    if (hostPort !== 0) errors.push(...isValidPortNum(hostPort).map((m) => invalid([...at, 'hostPort'], hostPort, m)));
    const protocol = str(port['protocol']);
    if (protocol === '') errors.push(required([...at, 'protocol']));
    else if (!protocols.includes(protocol)) errors.push(notSupported([...at, 'protocol'], protocol, protocols));
  });
  return errors;
}

function validateResizePolicy(policies: unknown, path: FieldPath, podRestartPolicy: string): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  objects(policies).forEach((policy, i) => {
    const resource = str(policy['resourceName']);
    const restart = str(policy['restartPolicy']);
    const at = [...path, i];
    if (seen.has(resource)) errors.push(duplicate(at, resource));
    seen.add(resource);
    if (resource === '') errors.push({ ...required(path), at: [...at, 'resourceName'] });
    else if (resource !== 'cpu' && resource !== 'memory') errors.push({ ...notSupported(path, resource, ['cpu', 'memory']), at: [...at, 'resourceName'] });
    if (restart === '') errors.push({ ...required(path), at: [...at, 'restartPolicy'] });
    else if (restart !== 'NotRequired' && restart !== 'RestartContainer') errors.push({ ...notSupported(path, restart, ['NotRequired', 'RestartContainer']), at: [...at, 'restartPolicy'] });
    if (podRestartPolicy === 'Never' && restart !== 'NotRequired') {
      errors.push({ ...invalid(path, restart, "must be 'NotRequired' when pod `restartPolicy` is 'Never'"), at: [...at, 'restartPolicy'] });
    }
  });
  return errors;
}

/** validateContainerCommon: what every kind of container must satisfy. */
function validateContainerCommon(container: Obj, path: FieldPath, context: ContainerContext): FieldError[] {
  const errors: FieldError[] = [];
  const name = str(container['name']);
  if (name === '') errors.push(required([...path, 'name']));
  else errors.push(...isDns1123Label(name).map((m) => invalid([...path, 'name'], name, m)));
  if (str(container['image']) === '') errors.push(required([...path, 'image']));
  const policy = str(container['terminationMessagePolicy']);
  if (policy === '') errors.push(required([...path, 'terminationMessagePolicy']));
  else if (policy !== 'File' && policy !== 'FallbackToLogsOnError') errors.push(notSupported([...path, 'terminationMessagePolicy'], policy, ['File', 'FallbackToLogsOnError']));
  // The checks of a list find nothing when it is absent; skipping them spares building their key paths.
  if (isSet(container['ports'])) errors.push(...validatePorts(container['ports'], [...path, 'ports']));
  if (isSet(container['env'])) errors.push(...validateEnv(container['env'], [...path, 'env'], context.options));
  if (isSet(container['envFrom'])) errors.push(...validateEnvFrom(container['envFrom'], [...path, 'envFrom'], context.options));
  errors.push(...validateMounts(container, path, context.volumes));
  const pullPolicy = str(container['imagePullPolicy']);
  if (pullPolicy === '') errors.push(required([...path, 'imagePullPolicy']));
  else if (!pullPolicies.includes(pullPolicy)) errors.push(notSupported([...path, 'imagePullPolicy'], pullPolicy, pullPolicies));
  errors.push(...validateResourceRequirements(obj(container['resources']), context.podClaimNames, [...path, 'resources'], context.options));
  if (isSet(container['resizePolicy'])) errors.push(...validateResizePolicy(container['resizePolicy'], [...path, 'resizePolicy'], context.podRestartPolicy));
  if (isSet(container['securityContext'])) errors.push(...validateContainerSecurityContext(container['securityContext'], [...path, 'securityContext'], context.hostUsers));
  return errors;
}

function validateProbes(container: Obj, path: FieldPath, context: ContainerContext): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = obj(container[key]);
    if (!probe) continue;
    errors.push(...validateProbe(probe, context.gracePeriod, [...path, key], context.options));
    if (key !== 'readinessProbe' && num(probe['successThreshold']) !== 1) errors.push(invalid([...path, key, 'successThreshold'], num(probe['successThreshold']), 'must be 1'));
    if (key === 'readinessProbe' && isSet(probe['terminationGracePeriodSeconds'])) {
      errors.push(invalid([...path, key, 'terminationGracePeriodSeconds'], probe['terminationGracePeriodSeconds'], 'must not be set for readinessProbes'));
    }
  }
  return errors;
}

const restartPolicies = ['Always', 'Never', 'OnFailure'];

function validateContainerRestartPolicy(container: Obj, path: FieldPath, options: PodOptions): FieldError[] {
  const errors: FieldError[] = [];
  const rules = objects(container['restartPolicyRules']);
  if (!isSet(container['restartPolicy'])) {
    if (rules.length > 0) errors.push(required([...path, 'restartPolicy'], 'must specify restartPolicy when restart rules are used'));
  } else if (!restartPolicies.includes(str(container['restartPolicy']))) {
    errors.push(notSupported([...path, 'restartPolicy'], str(container['restartPolicy']), restartPolicies));
  }
  if (rules.length > 20) errors.push(tooMany([...path, 'restartPolicyRules'], rules.length, 20));
  const actions = options.allowRestartAllContainers ? ['Restart', 'RestartAllContainers'] : ['Restart'];
  rules.forEach((rule, i) => {
    const at = [...path, 'restartPolicyRules', i];
    const action = str(rule['action']);
    if (!actions.includes(action)) errors.push(notSupported([...at, 'action'], action, actions));
    const exitCodes = obj(rule['exitCodes']);
    if (!exitCodes) errors.push(required([...at, 'exitCodes'], 'must be specified'));
    else {
      const operator = str(exitCodes['operator']);
      if (operator !== 'In' && operator !== 'NotIn') errors.push(notSupported([...at, 'exitCodes', 'operator'], operator, ['In', 'NotIn']));
      const values = list(exitCodes['values']);
      if (values.length > 255) errors.push(tooMany([...at, 'exitCodes', 'values'], values.length, 255));
    }
  });
  return errors;
}

function checkHostPorts(containers: readonly Obj[], path: FieldPath, indexOffset = 0): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((container, ci) => {
    objects(container['ports']).forEach((port, pi) => {
      const hostPort = num(port['hostPort']);
      if (hostPort === 0) return;
      const key = `${str(port['protocol'])}/${str(port['hostIP'])}/${hostPort}`;
      if (seen.has(key)) errors.push(duplicate([...path, ci + indexOffset, 'ports', pi, 'hostPort'], key));
      else seen.add(key);
    });
  });
  return errors;
}

export function validateContainers(spec: Obj, path: FieldPath, context: ContainerContext): FieldError[] {
  const containers = objects(spec['containers']);
  if (containers.length === 0) return [required(path)];
  const errors: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((container, i) => {
    const at = [...path, i];
    errors.push(...validateContainerCommon(container, at, context));
    const name = str(container['name']);
    if (names.has(name)) errors.push(duplicate([...at, 'name'], name));
    else names.add(name);
    const lifecycle = obj(container['lifecycle']);
    if (lifecycle) errors.push(...validateLifecycle(lifecycle, context.gracePeriod, [...at, 'lifecycle'], context.options));
    errors.push(...validateProbes(container, at, context));
    if (context.options.allowContainerRestartRules) errors.push(...validateContainerRestartPolicy(container, at, context.options));
    else if (isSet(container['restartPolicy'])) errors.push(forbidden([...at, 'restartPolicy'], 'may not be set for non-init containers'));
  });
  errors.push(...checkHostPorts(containers, path));
  return errors;
}

export function validateInitContainers(spec: Obj, path: FieldPath, context: ContainerContext): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set(objects(spec['containers']).map((c) => str(c['name'])));
  objects(spec['initContainers']).forEach((container, i) => {
    const at = [...path, i];
    errors.push(...validateContainerCommon(container, at, context));
    errors.push(...validateInitRestartPolicy(container, at, context.options));
    const restartAlways = container['restartPolicy'] === 'Always';
    const name = str(container['name']);
    if (names.has(name)) errors.push(duplicate([...at, 'name'], name));
    else if (name !== '') names.add(name);
    // Init containers run one after another: host ports may only clash within one of them.
    errors.push(...checkHostPorts([container], path, i));
    if (restartAlways) {
      const lifecycle = obj(container['lifecycle']);
      if (lifecycle) errors.push(...validateLifecycle(lifecycle, context.gracePeriod, [...at, 'lifecycle'], context.options));
      errors.push(...validateProbes(container, at, context));
    } else {
      for (const key of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (isSet(container[key])) errors.push(forbidden([...at, key], 'may not be set for init containers without restartPolicy=Always'));
      }
    }
    const resize = objects(container['resizePolicy']);
    if (!context.options.allowSidecarResizePolicy && resize.length > 0) errors.push(invalid([...at, 'resizePolicy'], resize, 'must not be set for init containers'));
    // New in 1.36: a restart-on-resize policy needs a sidecar.
    if (!restartAlways && context.options.minor >= 36) {
      resize.forEach((policy, j) => {
        if (policy['restartPolicy'] === 'RestartContainer') {
          errors.push(invalid([...at, 'resizePolicy', j, 'restartPolicy'], 'RestartContainer', "must not be set to 'RestartContainer' for non-sidecar initContainers"));
        }
      });
    }
  });
  return errors;
}

function validateInitRestartPolicy(container: Obj, path: FieldPath, options: PodOptions): FieldError[] {
  const rules = objects(container['restartPolicyRules']);
  if (!isSet(container['restartPolicy'])) {
    return rules.length > 0 ? [required([...path, 'restartPolicy'], 'must specify restartPolicy when restart rules are used')] : [];
  }
  const policy = str(container['restartPolicy']);
  if (options.allowContainerRestartRules) {
    if (policy === 'Always') {
      if (options.allowRestartAllContainers) return validateContainerRestartPolicy(container, path, options);
      return rules.length > 0 ? [forbidden([...path, 'restartPolicyRules'], 'restartPolicyRules are not allowed for init containers with restart policy Always')] : [];
    }
    return validateContainerRestartPolicy(container, path, options);
  }
  return policy === 'Always' ? [] : [notSupported([...path, 'restartPolicy'], policy, ['Always'])];
}

const ephemeralForbidden = ['ports', 'resources', 'resizePolicy', 'restartPolicy', 'restartPolicyRules', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];

export function validateEphemeralContainers(spec: Obj, path: FieldPath, context: ContainerContext): FieldError[] {
  const ephemeral = objects(spec['ephemeralContainers']);
  if (ephemeral.length === 0) return [];
  const errors: FieldError[] = [];
  const others = new Set([...objects(spec['containers']), ...objects(spec['initContainers'])].map((c) => str(c['name'])));
  const all = new Set(others);
  ephemeral.forEach((container, i) => {
    const at = [...path, i];
    errors.push(...validateContainerCommon(container, at, context));
    const image = str(container['image']);
    if (image.trim() !== image) errors.push(invalid([...at, 'image'], image, 'must not have leading or trailing whitespace'));
    const name = str(container['name']);
    if (all.has(name)) errors.push(duplicate([...at, 'name'], name));
    else all.add(name);
    const target = str(container['targetContainerName']);
    if (target !== '' && !others.has(target)) errors.push(notFound([...at, 'targetContainerName'], target));
    for (const key of ephemeralForbidden) {
      const value = container[key];
      const empty = !isSet(value) || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && value !== null && Object.values(value).every((v) => !isSet(v) || (typeof v === 'object' && Object.keys(v as object).length === 0)));
      if (!empty) errors.push(forbidden([...at, key], 'cannot be set for an Ephemeral Container'));
    }
    objects(container['volumeMounts']).forEach((mount, j) => {
      if (str(mount['subPath']) !== '') errors.push(forbidden([...at, 'volumeMounts', j, 'subPath'], 'cannot be set for an Ephemeral Container'));
      if (str(mount['subPathExpr']) !== '') errors.push(forbidden([...at, 'volumeMounts', j, 'subPathExpr'], 'cannot be set for an Ephemeral Container'));
    });
  });
  return errors;
}
