import { isSet, list, obj, objects, str, type Obj } from '../access.js';
import { gateEnabled } from '../features.js';
import { roundResourceLists } from './resources.js';

/**
 * The defaults the API server applies to a pod template before validating it
 * (pkg/apis/core/v1/defaults.go through zz_generated.defaults.go), and the
 * fields PrepareForCreate drops when their feature gate is off. Mutates `spec`.
 */
export function defaultPodSpec(spec: Obj, minor: number): void {
  dropDisabledFields(spec, minor);
  spec['dnsPolicy'] ||= 'ClusterFirst';
  spec['restartPolicy'] ||= 'Always';
  if (!isSet(spec['securityContext'])) spec['securityContext'] = {};
  if (!isSet(spec['terminationGracePeriodSeconds'])) spec['terminationGracePeriodSeconds'] = 30;
  spec['schedulerName'] ||= 'default-scheduler';
  if (!isSet(spec['enableServiceLinks'])) spec['enableServiceLinks'] = true;
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) for (const container of objects(spec[key])) defaultContainer(container);
  for (const volume of objects(spec['volumes'])) defaultVolume(volume, minor);
  roundResourceLists(spec, [['overhead'], ['resources', 'limits'], ['resources', 'requests']]);
}

function defaultContainer(container: Obj): void {
  if (str(container['imagePullPolicy']) === '') container['imagePullPolicy'] = imageTag(str(container['image'])) === 'latest' ? 'Always' : 'IfNotPresent';
  container['terminationMessagePath'] ||= '/dev/termination-log';
  container['terminationMessagePolicy'] ||= 'File';
  for (const port of objects(container['ports'])) port['protocol'] ||= 'TCP';
  for (const key of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const probe = obj(container[key]);
    if (!probe) continue;
    if (!probe['timeoutSeconds']) probe['timeoutSeconds'] = 1;
    if (!probe['periodSeconds']) probe['periodSeconds'] = 10;
    if (!probe['successThreshold']) probe['successThreshold'] = 1;
    if (!probe['failureThreshold']) probe['failureThreshold'] = 3;
    defaultHttpGet(probe);
  }
  const lifecycle = obj(container['lifecycle']);
  for (const key of ['postStart', 'preStop']) {
    const handler = obj(lifecycle?.[key]);
    if (handler) defaultHttpGet(handler);
  }
  for (const variable of objects(container['env'])) {
    const fieldRef = obj(obj(variable['valueFrom'])?.['fieldRef']);
    if (fieldRef) fieldRef['apiVersion'] ||= 'v1';
  }
  roundResourceLists(container, [['resources', 'limits'], ['resources', 'requests']]);
}

function defaultHttpGet(handler: Obj): void {
  const httpGet = obj(handler['httpGet']);
  if (!httpGet) return;
  httpGet['path'] ||= '/';
  httpGet['scheme'] ||= 'HTTP';
}

const volumeSources = [
  'hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs', 'persistentVolumeClaim',
  'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk',
  'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

function defaultVolume(volume: Obj, minor: number): void {
  // A volume with no source is an emptyDir.
  if (!volumeSources.some((key) => isSet(volume[key]))) volume['emptyDir'] = {};
  const image = obj(volume['image']);
  if (image && gateEnabled('ImageVolume', minor) && str(image['pullPolicy']) === '') {
    image['pullPolicy'] = imageTag(str(image['reference'])) === 'latest' ? 'Always' : 'IfNotPresent';
  }
  for (const [key, mode] of [['secret', 0o644], ['configMap', 0o644], ['downwardAPI', 0o644], ['projected', 0o644]] as const) {
    const source = obj(volume[key]);
    if (source && !isSet(source['defaultMode'])) source['defaultMode'] = mode;
  }
  const hostPath = obj(volume['hostPath']);
  if (hostPath && !isSet(hostPath['type'])) hostPath['type'] = '';
  for (const item of objects(obj(volume['downwardAPI'])?.['items'])) {
    const fieldRef = obj(item['fieldRef']);
    if (fieldRef) fieldRef['apiVersion'] ||= 'v1';
  }
  for (const source of objects(obj(volume['projected'])?.['sources'])) {
    const token = obj(source['serviceAccountToken']);
    if (token && !isSet(token['expirationSeconds'])) token['expirationSeconds'] = 3600;
    for (const item of objects(obj(source['downwardAPI'])?.['items'])) {
      const fieldRef = obj(item['fieldRef']);
      if (fieldRef) fieldRef['apiVersion'] ||= 'v1';
    }
  }
  const claimSpec = obj(obj(obj(volume['ephemeral'])?.['volumeClaimTemplate'])?.['spec']);
  if (claimSpec) defaultClaimSpec(claimSpec);
}

export function defaultClaimSpec(spec: Obj): void {
  if (!isSet(spec['volumeMode'])) spec['volumeMode'] = 'Filesystem';
  roundResourceLists(spec, [['resources', 'limits'], ['resources', 'requests']]);
}

/** dropDisabledFields of pkg/api/pod: what PrepareForCreate removes from a template when a gate is off. */
function dropDisabledFields(spec: Obj, minor: number): void {
  const containers = ['initContainers', 'containers', 'ephemeralContainers'].flatMap((key) => objects(spec[key]));
  if (!gateEnabled('HostnameOverride', minor)) delete spec['hostnameOverride'];
  if (!gateEnabled('PodLevelResources', minor)) delete spec['resources'];
  if (!gateEnabled('GenericWorkload', minor)) delete spec['schedulingGroup'];
  if (!gateEnabled('ContainerRestartRules', minor)) {
    for (const container of objects(spec['initContainers'])) {
      if (isSet(container['restartPolicy']) && container['restartPolicy'] !== 'Always') delete container['restartPolicy'];
      delete container['restartPolicyRules'];
    }
    for (const key of ['containers', 'ephemeralContainers']) {
      for (const container of objects(spec[key])) {
        delete container['restartPolicy'];
        delete container['restartPolicyRules'];
      }
    }
  }
  if (!gateEnabled('EnvFiles', minor)) {
    for (const container of containers) for (const variable of objects(container['env'])) delete obj(variable['valueFrom'])?.['fileKeyRef'];
  }
  if (!gateEnabled('ContainerStopSignals', minor)) {
    for (const container of containers) {
      const lifecycle = obj(container['lifecycle']);
      if (!lifecycle || !isSet(lifecycle['stopSignal'])) continue;
      delete lifecycle['stopSignal'];
      if (Object.values(lifecycle).every((v) => !isSet(v))) delete container['lifecycle'];
    }
  }
  if (!gateEnabled('ImageVolume', minor)) {
    const images = new Set(objects(spec['volumes']).filter((v) => isSet(v['image'])).map((v) => str(v['name'])));
    if (images.size > 0) {
      spec['volumes'] = list(spec['volumes']).filter((v) => !isSet(obj(v)?.['image']));
      for (const container of containers) {
        if (Array.isArray(container['volumeMounts'])) container['volumeMounts'] = objects(container['volumeMounts']).filter((m) => !images.has(str(m['name'])));
      }
    }
  }
  for (const volume of objects(spec['volumes'])) {
    for (const source of objects(obj(volume['projected'])?.['sources'])) {
      if (!gateEnabled('ClusterTrustBundleProjection', minor)) delete source['clusterTrustBundle'];
      if (!gateEnabled('PodCertificateRequest', minor)) delete source['podCertificate'];
    }
  }
}

/**
 * The tag ParseImageName finds: "latest" when the reference has neither tag
 * nor digest, "" when it has only a digest or does not parse (then the pull
 * policy defaults to IfNotPresent).
 */
export function imageTag(image: string): string {
  const match = referencePattern.exec(image);
  if (!match) return '';
  const [, , tag, digest] = match;
  if (tag !== undefined) return tag;
  return digest !== undefined ? '' : 'latest';
}

const component = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const domainPart = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `(?:${domainPart}(?:\\.${domainPart})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const referencePattern = new RegExp(
  `^((?:${domain}/)?${component}(?:/${component})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);
