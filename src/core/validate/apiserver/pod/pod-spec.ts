import { isSet, num, obj, objects, str, type Obj } from '../access.js';
import { byteLength, inclusiveRangeError, isDns1123Label, isDns1123Subdomain } from '../content.js';
import { forbidden, invalid, notFound, notSupported, required, tooLong, type FieldError, type FieldPath } from '../field.js';
import { validateAnnotations, validateLabels } from '../meta.js';
import { validateAnnotationsMatchFields, validatePodSpecificAnnotations } from './annotations.js';
import { validateContainers, validateEphemeralContainers, validateInitContainers, type ContainerContext } from './containers.js';
import type { PodOptions } from './options.js';
import { validatePodLevelResources, validatePodResourceConsistency, validateResourceRequirements } from './resources.js';
import {
  validateAffinity, validateDnsConfig, validateHostAliases, validateImagePullSecrets, validateReadinessGates, validateSchedulingGates,
  validateTolerations, validateTopologySpreadConstraints,
} from './scheduling.js';
import { usesHostUsers, validatePodSecurityContext } from './security.js';
import { validateVolumes } from './volumes.js';
import { validateOs } from './windows.js';

/** ValidatePodSpec and ValidatePodTemplateSpec of pkg/apis/core/validation. */

const noClaims: ReadonlySet<string> = new Set();

const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];

export function validatePodSpec(spec: Obj, path: FieldPath, options: PodOptions): FieldError[] {
  const errors: FieldError[] = [];
  if (!isSet(spec['terminationGracePeriodSeconds'])) errors.push(required([...path, 'terminationGracePeriodSeconds']));
  const gracePeriod = isSet(spec['terminationGracePeriodSeconds']) ? num(spec['terminationGracePeriodSeconds']) : undefined;
  const hostUsers = usesHostUsers(spec);
  const { volumes, errors: volumeErrors } = validateVolumes(spec['volumes'], undefined, [...path, 'volumes'], options);
  errors.push(...volumeErrors);
  const claims = objects(spec['resourceClaims']);
  const podClaimNames: ReadonlySet<string> = claims.length === 0 ? noClaims : new Set(claims.map((c) => str(c['name'])).filter((n) => n !== ''));
  // The checks of a list or map find nothing when it is absent; skipping them spares building their key paths.
  if (claims.length > 0) errors.push(...validateResourceClaims(claims, [...path, 'resourceClaims']));
  const context: ContainerContext = { volumes, podClaimNames, gracePeriod, podRestartPolicy: str(spec['restartPolicy']), hostUsers, options };
  errors.push(...validateContainers(spec, [...path, 'containers'], context));
  if (isSet(spec['initContainers'])) errors.push(...validateInitContainers(spec, [...path, 'initContainers'], context));
  if (isSet(spec['ephemeralContainers'])) errors.push(...validateEphemeralContainers(spec, [...path, 'ephemeralContainers'], context));
  if (options.podLevelResources && isSet(spec['resources'])) errors.push(...validatePodResources(spec, podClaimNames, path, options));
  errors.push(...validateHostNetworkPorts(spec, path, options));
  const restartPolicy = str(spec['restartPolicy']);
  if (restartPolicy === '') errors.push(required([...path, 'restartPolicy']));
  else if (!restartPolicies.includes(restartPolicy)) errors.push(notSupported([...path, 'restartPolicy'], restartPolicy, restartPolicies));
  const dnsPolicy = str(spec['dnsPolicy']);
  if (dnsPolicy === '') errors.push(required([...path, 'dnsPolicy']));
  else if (!dnsPolicies.includes(dnsPolicy)) errors.push(notSupported([...path, 'dnsPolicy'], dnsPolicy, dnsPolicies));
  if (isSet(spec['nodeSelector'])) errors.push(...validateLabels(spec['nodeSelector'], [...path, 'nodeSelector']));
  errors.push(...validatePodSecurityContext(spec, [...path, 'securityContext'], options));
  if (isSet(spec['imagePullSecrets'])) errors.push(...validateImagePullSecrets(spec['imagePullSecrets'], [...path, 'imagePullSecrets']));
  if (isSet(spec['affinity'])) errors.push(...validateAffinity(spec['affinity'], [...path, 'affinity']));
  errors.push(...validateDnsConfig(spec['dnsConfig'], dnsPolicy, [...path, 'dnsConfig'], options));
  if (isSet(spec['readinessGates'])) errors.push(...validateReadinessGates(spec['readinessGates'], [...path, 'readinessGates']));
  if (isSet(spec['schedulingGates'])) errors.push(...validateSchedulingGates(spec['schedulingGates'], [...path, 'schedulingGates']));
  if (isSet(spec['topologySpreadConstraints'])) errors.push(...validateTopologySpreadConstraints(spec['topologySpreadConstraints'], [...path, 'topologySpreadConstraints'], options));
  errors.push(...validateWindowsHostProcess(spec, path));
  errors.push(...validateHostUsers(spec, path, options));
  errors.push(...validateHostnameOverride(spec, path));
  const subdomainName = (key: string) => {
    const value = str(spec[key]);
    if (value !== '') errors.push(...isDns1123Subdomain(value).map((m) => invalid([...path, key], value, m)));
  };
  subdomainName('serviceAccountName');
  subdomainName('nodeName');
  if (isSet(spec['activeDeadlineSeconds'])) {
    const value = num(spec['activeDeadlineSeconds']);
    if (value < 1 || value > 2147483647) errors.push(invalid([...path, 'activeDeadlineSeconds'], value, inclusiveRangeError(1, 2147483647)));
  }
  for (const key of ['hostname', 'subdomain']) {
    const value = str(spec[key]);
    if (value !== '') errors.push(...isDns1123Label(value).map((m) => invalid([...path, key], value, m)));
  }
  if (isSet(spec['tolerations'])) errors.push(...validateTolerations(spec['tolerations'], [...path, 'tolerations'], options));
  if (isSet(spec['hostAliases'])) errors.push(...validateHostAliases(spec['hostAliases'], [...path, 'hostAliases'], options));
  subdomainName('priorityClassName');
  if (isSet(spec['runtimeClassName'])) {
    const value = str(spec['runtimeClassName']);
    errors.push(...isDns1123Subdomain(value).map((m) => invalid([...path, 'runtimeClassName'], value, m)));
  }
  if (isSet(spec['preemptionPolicy'])) {
    const policy = str(spec['preemptionPolicy']);
    if (policy === '') errors.push(required([...path, 'preemptionPolicy']));
    else if (policy !== 'PreemptLowerPriority' && policy !== 'Never') errors.push(notSupported([...path, 'preemptionPolicy'], policy, ['PreemptLowerPriority', 'Never']));
  }
  if (isSet(spec['overhead'])) {
    // validateOverhead checks the overhead as a container's limits (container resource names, not
    // pod-level ones), and its errors name `overhead.limits[…]`; they point at the overhead itself.
    errors.push(...validateResourceRequirements({ limits: spec['overhead'] }, new Set(), [...path, 'overhead'], options).map((e) => ({ ...e, at: withoutLimits(e.at ?? e.path, path) })));
  }
  errors.push(...validateOs(spec, path));
  errors.push(...validateFileKeyRefVolumes(spec, path, options));
  return errors;
}

/** Where an overhead error is in the manifest: the path without the `limits` the checks add. */
function withoutLimits(errorPath: FieldPath, specPath: FieldPath): FieldPath {
  const at = specPath.length + 1;
  return errorPath[at] === 'limits' ? [...errorPath.slice(0, at), ...errorPath.slice(at + 1)] : errorPath;
}

function validateResourceClaims(claims: readonly Obj[], path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  claims.forEach((claim, i) => {
    const at = [...path, i];
    const name = str(claim['name']);
    if (name === '') errors.push(required([...at, 'name']));
    else if (names.has(name)) errors.push({ type: 'Duplicate', path: [...at, 'name'], value: name, detail: '' });
    else {
      errors.push(...isDns1123Label(name).map((m) => invalid([...at, 'name'], name, m)));
      names.add(name);
    }
    const claimName = claim['resourceClaimName'];
    const templateName = claim['resourceClaimTemplateName'];
    if (isSet(claimName) && isSet(templateName)) errors.push(invalid(at, claim, 'at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified'));
    if (!isSet(claimName) && !isSet(templateName)) errors.push(invalid(at, claim, 'must specify one of: `resourceClaimName`, `resourceClaimTemplateName`'));
    for (const [key, value] of [['resourceClaimName', claimName], ['resourceClaimTemplateName', templateName]] as const) {
      if (isSet(value)) errors.push(...isDns1123Subdomain(str(value)).map((m) => invalid([...at, key], str(value), m)));
    }
  });
  return errors;
}

function validatePodResources(spec: Obj, podClaimNames: ReadonlySet<string>, path: FieldPath, options: PodOptions): FieldError[] {
  const at = [...path, 'resources'];
  if (obj(spec['os'])?.['name'] === 'windows') return [forbidden(at, 'may not be set for a windows pod')];
  const resources = obj(spec['resources']) ?? {};
  const errors: FieldError[] = [];
  if (isSet(resources['claims'])) errors.push(forbidden([...at, 'claims'], 'claims may not be set for Resources at pod-level'));
  errors.push(...validatePodLevelResources(resources, podClaimNames, at, options));
  errors.push(...validatePodResourceConsistency(spec, at));
  return errors;
}

function validateHostNetworkPorts(spec: Obj, path: FieldPath, options: PodOptions): FieldError[] {
  if (spec['hostNetwork'] !== true) return [];
  const errors: FieldError[] = [];
  objects(spec['containers']).forEach((container, i) => {
    objects(container['ports']).forEach((port, j) => {
      const hostPort = num(port['hostPort']);
      if ((options.resourceIsPod || hostPort !== 0) && hostPort !== num(port['containerPort'])) {
        errors.push(invalid([...path, 'containers', i, 'ports', j, 'hostPort'], hostPort, 'must match `containerPort` when `hostNetwork` is true'));
      }
    });
  });
  return errors;
}

const containerKeys = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Each container with its key path, which `at` builds only when a check needs it (most find nothing). */
function visitContainers(spec: Obj, path: FieldPath, visit: (container: Obj, at: () => FieldPath) => void): void {
  for (const key of containerKeys) {
    const containers = objects(spec[key]);
    for (let i = 0; i < containers.length; i++) visit(containers[i]!, () => [...path, key, i]);
  }
}

function validateHostUsers(spec: Obj, path: FieldPath, options: PodOptions): FieldError[] {
  if (spec['hostUsers'] !== false) return [];
  const errors: FieldError[] = [];
  if (!options.allowUserNamespacesHostNetwork && spec['hostNetwork'] === true) errors.push(forbidden([...path, 'hostNetwork'], 'when `hostUsers` is false'));
  if (spec['hostPID'] === true) errors.push({ ...forbidden([...path, 'HostPID'], 'when `hostUsers` is false'), at: [...path, 'hostPID'] });
  if (spec['hostIPC'] === true) errors.push({ ...forbidden([...path, 'HostIPC'], 'when `hostUsers` is false'), at: [...path, 'hostIPC'] });
  visitContainers(spec, path, (container, at) => {
    if (objects(container['volumeDevices']).length > 0) errors.push(forbidden([...at(), 'volumeDevices'], 'when `hostUsers` is false'));
  });
  return errors;
}

function validateHostnameOverride(spec: Obj, path: FieldPath): FieldError[] {
  if (!isSet(spec['hostnameOverride'])) return [];
  const value = str(spec['hostnameOverride']);
  const at = [...path, 'hostnameOverride'];
  const errors: FieldError[] = [];
  if (spec['setHostnameAsFQDN'] === true) errors.push(forbidden(at, 'may not be specified when setHostnameAsFQDN is true'));
  if (spec['hostNetwork'] === true) errors.push(forbidden(at, 'may not be specified when hostNetwork is true'));
  if (byteLength(value) > 64) errors.push(tooLong(at, 64));
  errors.push(...isDns1123Subdomain(value).map((m) => invalid(at, value, m)));
  return errors;
}

function validateWindowsHostProcess(spec: Obj, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  const podValue = obj(obj(spec['securityContext'])?.['windowsOptions'])?.['hostProcess'];
  let containers = 0;
  let hostProcess = 0;
  visitContainers(spec, path, (container, at) => {
    containers++;
    const value = obj(obj(container['securityContext'])?.['windowsOptions'])?.['hostProcess'];
    if (typeof podValue === 'boolean' && typeof value === 'boolean' && podValue !== value) {
      errors.push(invalid([...at(), 'securityContext', 'windowsOptions', 'hostProcess'], value, `pod hostProcess value must be identical if both are specified, was ${podValue}`));
    }
    if (value === true || (value === undefined && podValue === true)) hostProcess++;
  });
  if (hostProcess > 0) {
    if (hostProcess !== containers) errors.push(invalid(path, '', 'If pod contains any hostProcess containers then all containers must be HostProcess containers'));
    if (spec['hostNetwork'] !== true) errors.push(invalid([...path, 'hostNetwork'], false, 'hostNetwork must be true if pod contains any hostProcess containers'));
  }
  return errors;
}

function validateFileKeyRefVolumes(spec: Obj, path: FieldPath, options: PodOptions): FieldError[] {
  if (!options.allowEnvFiles) return [];
  let sources: Map<string, Obj> | undefined;
  const errors: FieldError[] = [];
  visitContainers(spec, path, (container, at) => {
    objects(container['env']).forEach((variable, j) => {
      const ref = obj(obj(variable['valueFrom'])?.['fileKeyRef']);
      if (!ref) return;
      sources ??= new Map(objects(spec['volumes']).map((v) => [str(v['name']), v]));
      const volumeName = str(ref['volumeName']);
      const refAt = [...at(), 'env', j, 'valueFrom', 'fileKeyRef', 'volumeName'];
      const volume = sources.get(volumeName);
      if (!volume) errors.push(notFound(refAt, volumeName));
      else if (!isSet(volume['emptyDir'])) errors.push(invalid(refAt, volumeName, 'referenced volume must be of type emptyDir'));
    });
  });
  return errors;
}

/** ValidatePodTemplateSpec: labels, annotations, the pod spec; ephemeral containers are not allowed in a template. */
export function validatePodTemplateSpec(template: Obj, path: FieldPath, options: PodOptions): FieldError[] {
  const metadata = obj(template['metadata']) ?? {};
  const spec = obj(template['spec']) ?? {};
  const metaAt = [...path, 'metadata'];
  // The API server names these `template.labels` and `template.annotations`, without `metadata`.
  const errors: FieldError[] = [
    ...validateLabels(metadata['labels'], [...path, 'labels']).map((e) => ({ ...e, at: e.at ? [...metaAt, ...e.at.slice(path.length)] : [...metaAt, 'labels'] })),
    ...(isSet(metadata['annotations']) ? validateAnnotations(metadata['annotations'], [...path, 'annotations']).map((e) => ({ ...e, at: e.at ? [...metaAt, ...e.at.slice(path.length)] : [...metaAt, 'annotations'] })) : []),
    ...validatePodSpecificAnnotations(metadata['annotations'], spec, [...path, 'annotations'], [...metaAt, 'annotations'], options),
    ...validatePodSpec(spec, [...path, 'spec'], options),
    ...validateAnnotationsMatchFields(metadata['annotations'], spec, [...path, 'spec']),
  ];
  if (objects(spec['ephemeralContainers']).length > 0) errors.push(forbidden([...path, 'spec', 'ephemeralContainers'], 'ephemeral containers not allowed in pod template'));
  return errors;
}
