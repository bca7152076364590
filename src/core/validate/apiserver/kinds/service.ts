import { entries, isSet, num, obj, objects, str, strings, type Obj } from '../access.js';
import { isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidPortNum } from '../content.js';
import { gateEnabled } from '../features.js';
import { duplicate, forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from '../field.js';
import { isIPv6Text, validateLegacyCidr, validateLegacyIp } from '../ip.js';
import { nameIsDns1035Label, nameIsDnsLabel, validateLabels, validateObjectMeta } from '../meta.js';
import { validatePortNumOrName } from '../pod/probes.js';
import type { KindRules } from './kind.js';
import { endpointIpErrors } from './endpoint-ip.js';

/**
 * v1 Service: defaults, the IP-family defaulting the service registry does
 * before validating (for what does not depend on the cluster's networks),
 * then validateService, and the node port range the registry's allocator
 * enforces (an error outside 0-65535, where no cluster's range can reach; a
 * warning outside the default 30000-32767). The other things that depend on
 * how the cluster is set up (the IP families and ranges it serves) are left
 * to the server.
 */

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];

const isExternallyAccessible = (spec: Obj): boolean =>
  spec['type'] === 'LoadBalancer' || spec['type'] === 'NodePort' || (spec['type'] === 'ClusterIP' && strings(spec['externalIPs']).length > 0);

/** The kube-apiserver default of --service-node-port-range. */
const defaultNodePorts = { low: 30000, high: 32767 };

/** Node ports the allocator gives out: the port range flag cannot go past 65535. */
function nodePortErrors(spec: Obj, outsideDefault: boolean): FieldError[] {
  if (spec['type'] !== 'NodePort' && spec['type'] !== 'LoadBalancer') return [];
  const ports: [FieldPath, number][] = objects(spec['ports']).map((port, i) => [['spec', 'ports', i, 'nodePort'], num(port['nodePort'])]);
  ports.push([['spec', 'healthCheckNodePort'], num(spec['healthCheckNodePort'])]);
  const errors: FieldError[] = [];
  for (const [path, port] of ports) {
    if (port === 0) continue;
    const impossible = port < 0 || port > 65535;
    if (!outsideDefault && impossible) {
      errors.push(invalid(path, port, "provided port is not in the valid range: no cluster's node port range goes past 0-65535"));
    } else if (outsideDefault && !impossible && (port < defaultNodePorts.low || port > defaultNodePorts.high)) {
      errors.push(invalid(path, port, `provided port is not in the valid range. The range of valid ports is ${defaultNodePorts.low}-${defaultNodePorts.high} (the default --service-node-port-range)`));
    }
  }
  return errors;
}

export const service: KindRules = {
  prepare(object) {
    const spec = (obj(object['spec']) ?? (object['spec'] = {})) as Obj;
    spec['sessionAffinity'] ||= 'None';
    if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig'];
    if (spec['sessionAffinity'] === 'ClientIP') {
      const timeout = obj(obj(spec['sessionAffinityConfig'])?.['clientIP'])?.['timeoutSeconds'];
      if (!isSet(timeout)) spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: 10800 } };
    }
    spec['type'] ||= 'ClusterIP';
    for (const port of objects(spec['ports'])) {
      port['protocol'] ||= 'TCP';
      const target = port['targetPort'];
      if (target === undefined || target === null || target === 0 || target === '') port['targetPort'] = num(port['port']);
    }
    if (isExternallyAccessible(spec)) spec['externalTrafficPolicy'] ||= 'Cluster';
    if (!isSet(spec['internalTrafficPolicy']) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(str(spec['type']))) spec['internalTrafficPolicy'] = 'Cluster';
    if (spec['type'] === 'LoadBalancer' && !isSet(spec['allocateLoadBalancerNodePorts'])) spec['allocateLoadBalancerNodePorts'] = true;
    // normalizeClusterIPs: a clusterIP alone fills clusterIPs.
    if (str(spec['clusterIP']) !== '' && strings(spec['clusterIPs']).length === 0) spec['clusterIPs'] = [spec['clusterIP']];
  },
  validate(object, { minor }) {
    const metadata = obj(object['metadata']) ?? {};
    const spec = obj(object['spec']) ?? {};
    const nameCheck = gateEnabled('RelaxedServiceNameValidation', minor) ? nameIsDnsLabel : nameIsDns1035Label;
    const errors = validateObjectMeta(metadata, { namespaced: true, nameCheck }, ['metadata']);
    const strictIp = gateEnabled('StrictIPCIDRValidation', minor);
    if (spec['type'] !== 'ExternalName') {
      const related = validateClusterIPsRelatedFields(spec, strictIp);
      if (related.length > 0) return [...errors, ...related];
      errors.push(...validateFamilyPolicy(spec));
    }
    errors.push(...validateSpec(spec, obj(metadata['annotations']) ?? {}, strictIp, minor));
    errors.push(...nodePortErrors(spec, false));
    return errors;
  },
  advise: (object) => nodePortErrors(obj(object['spec']) ?? {}, true),
};

const headless = (spec: Obj): boolean => {
  const ips = strings(spec['clusterIPs']);
  return ips.length === 1 && ips[0] === 'None';
};

function validateSpec(spec: Obj, annotations: Obj, strictIp: boolean, minor: number): FieldError[] {
  const errors: FieldError[] = [];
  const hints = annotations['service.kubernetes.io/topology-aware-hints'];
  const mode = annotations['service.kubernetes.io/topology-mode'];
  if (isSet(hints) && isSet(mode) && hints !== mode) {
    errors.push(invalid(['metadata', 'annotations', 'service.kubernetes.io/topology-mode'], str(mode), 'must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified'));
  }
  const type = str(spec['type']);
  const ports = objects(spec['ports']);
  const clusterIPs = strings(spec['clusterIPs']);
  if (ports.length === 0 && !headless(spec) && type !== 'ExternalName') errors.push(required(['spec', 'ports']));
  if ((type === 'LoadBalancer' || type === 'NodePort') && headless(spec)) {
    errors.push(invalid(['spec', 'clusterIPs', 0], 'None', `may not be set to 'None' for ${type} services`));
  } else if (type === 'ExternalName') {
    if (clusterIPs.length > 0) errors.push({ ...forbidden(['spec', 'clusterIPs'], 'may not be set for ExternalName services'), at: isSet(spec['clusterIPs']) ? ['spec', 'clusterIPs'] : ['spec', 'clusterIP'] });
    if (strings(spec['ipFamilies']).length > 0) errors.push(forbidden(['spec', 'ipFamilies'], 'may not be set for ExternalName services'));
    if (isSet(spec['ipFamilyPolicy'])) errors.push(forbidden(['spec', 'ipFamilyPolicy'], 'may not be set for ExternalName services'));
    const cname = str(spec['externalName']).replace(/\.$/, '');
    if (cname === '') errors.push(required(['spec', 'externalName']));
    else errors.push(...isDns1123Subdomain(cname).map((m) => invalid(['spec', 'externalName'], cname, m)));
  }
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const at = ['spec', 'ports', i];
    const name = str(port['name']);
    if (ports.length > 1 && name === '') errors.push(required([...at, 'name']));
    else if (name !== '') {
      errors.push(...isDns1123Label(name).map((m) => invalid([...at, 'name'], name, m)));
      if (names.has(name)) errors.push(duplicate([...at, 'name'], name));
      else names.add(name);
    }
    errors.push(...isValidPortNum(num(port['port'])).map((m) => invalid([...at, 'port'], num(port['port']), m)));
    const protocol = str(port['protocol']);
    if (protocol === '') errors.push(required([...at, 'protocol']));
    else if (!protocols.includes(protocol)) errors.push(notSupported([...at, 'protocol'], protocol, protocols));
    errors.push(...validatePortNumOrName(port['targetPort'], [...at, 'targetPort']));
    if (isSet(port['appProtocol'])) errors.push(...isQualifiedName(str(port['appProtocol'])).map((m) => invalid([...at, 'appProtocol'], str(port['appProtocol']), m)));
  });
  if (isSet(spec['selector'])) errors.push(...validateLabels(spec['selector'], ['spec', 'selector']));
  const affinity = str(spec['sessionAffinity']);
  if (affinity === '') errors.push(required(['spec', 'sessionAffinity']));
  else if (affinity !== 'ClientIP' && affinity !== 'None') errors.push(notSupported(['spec', 'sessionAffinity'], affinity, ['ClientIP', 'None']));
  if (affinity === 'ClientIP') errors.push(...validateClientIpAffinity(spec['sessionAffinityConfig']));
  else if (affinity === 'None' && isSet(spec['sessionAffinityConfig'])) errors.push(forbidden(['spec', 'sessionAffinityConfig'], 'must not be set when session affinity is None'));
  strings(spec['externalIPs']).forEach((ip, i) => {
    const problems = validateLegacyIp(['spec', 'externalIPs', i], ip, strictIp);
    errors.push(...(problems.length > 0 ? problems : endpointIpErrors(ip).map((m) => invalid(['spec', 'externalIPs', i], ip, m))));
  });
  if (type === '') errors.push(required(['spec', 'type']));
  else if (!serviceTypes.includes(type)) errors.push(notSupported(['spec', 'type'], type, serviceTypes));
  if (type === 'ClusterIP') {
    ports.forEach((port, i) => {
      if (num(port['nodePort']) !== 0) errors.push(forbidden(['spec', 'ports', i, 'nodePort'], "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  const servicePorts = new Set<string>();
  ports.forEach((port, i) => {
    const nodePort = num(port['nodePort']);
    if (nodePort !== 0) {
      const key = `${str(port['protocol'])}/${nodePort}`;
      if (nodePorts.has(key)) errors.push(duplicate(['spec', 'ports', i, 'nodePort'], nodePort));
      nodePorts.add(key);
    }
    const key = `${str(port['protocol'])}/${num(port['port'])}`;
    if (servicePorts.has(key)) errors.push({ ...duplicate(['spec', 'ports', i], { port: num(port['port']), protocol: str(port['protocol']) }), at: ['spec', 'ports', i, 'port'] });
    servicePorts.add(key);
  });
  const sourceRanges = strings(spec['loadBalancerSourceRanges']);
  const annotationRanges = annotations['service.beta.kubernetes.io/load-balancer-source-ranges'];
  if (sourceRanges.length > 0) {
    if (type !== 'LoadBalancer') errors.push({ ...forbidden(['spec', 'LoadBalancerSourceRanges'], "may only be used when `type` is 'LoadBalancer'"), at: ['spec', 'loadBalancerSourceRanges'] });
    sourceRanges.forEach((value, i) => {
      errors.push(...validateLegacyCidr(['spec', 'LoadBalancerSourceRanges', i], value.trim(), strictIp).map((e) => ({ ...e, at: ['spec', 'loadBalancerSourceRanges', i] })));
    });
  } else if (isSet(annotationRanges)) {
    const at = ['metadata', 'annotations', 'service.beta.kubernetes.io/load-balancer-source-ranges'];
    if (type !== 'LoadBalancer') errors.push(forbidden(at, "may only be used when `type` is 'LoadBalancer'"));
    const value = str(annotationRanges).trim();
    if (value !== '') for (const cidr of value.split(',')) errors.push(...validateLegacyCidr(at, cidr.trim(), strictIp));
  }
  if (isSet(spec['allocateLoadBalancerNodePorts']) && type !== 'LoadBalancer') {
    errors.push(forbidden(['spec', 'allocateLoadBalancerNodePorts'], "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && !isSet(spec['allocateLoadBalancerNodePorts'])) errors.push({ ...required(['allocateLoadBalancerNodePorts']), at: ['spec'] });
  if (isSet(spec['loadBalancerClass'])) {
    const lbClass = str(spec['loadBalancerClass']);
    if (type === 'LoadBalancer') errors.push(...isQualifiedName(lbClass).map((m) => invalid(['spec', 'loadBalancerClass'], lbClass, m)));
    else errors.push(forbidden(['spec', 'loadBalancerClass'], "may only be used when `type` is 'LoadBalancer'"));
  }
  errors.push(...validateTrafficPolicies(spec, minor));
  return errors;
}

function validateClientIpAffinity(config: unknown): FieldError[] {
  const path = ['spec', 'sessionAffinityConfig'];
  const detail = 'when session affinity type is ClientIP';
  const value = obj(config);
  if (!value) return [required(path, detail)];
  const clientIP = obj(value['clientIP']);
  if (!clientIP) return [required([...path, 'clientIP'], detail)];
  if (!isSet(clientIP['timeoutSeconds'])) return [required([...path, 'clientIP', 'timeoutSeconds'], detail)];
  const timeout = num(clientIP['timeoutSeconds']);
  return timeout <= 0 || timeout > 86400 ? [invalid([...path, 'clientIP', 'timeoutSeconds'], timeout, 'must be greater than 0 and less than 86400')] : [];
}

function validateTrafficPolicies(spec: Obj, minor: number): FieldError[] {
  const errors: FieldError[] = [];
  const external = str(spec['externalTrafficPolicy']);
  if (!isExternallyAccessible(spec)) {
    if (external !== '') errors.push(invalid(['spec', 'externalTrafficPolicy'], external, 'may only be set for externally-accessible services'));
  } else if (external === '') errors.push(required(['spec', 'externalTrafficPolicy']));
  else if (external !== 'Cluster' && external !== 'Local') errors.push(notSupported(['spec', 'externalTrafficPolicy'], external, ['Cluster', 'Local']));
  const needsHealthCheck = spec['type'] === 'LoadBalancer' && external === 'Local';
  const healthCheck = num(spec['healthCheckNodePort']);
  // The registry allocates healthCheckNodePort when it is needed and not given, before validation.
  if (!needsHealthCheck && healthCheck !== 0) {
    errors.push(invalid(['spec', 'healthCheckNodePort'], healthCheck, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (needsHealthCheck && healthCheck !== 0) {
    errors.push(...isValidPortNum(healthCheck).map((m) => invalid(['spec', 'healthCheckNodePort'], healthCheck, m)));
  }
  if (!isSet(spec['internalTrafficPolicy']) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(str(spec['type']))) errors.push(required(['spec', 'internalTrafficPolicy']));
  if (isSet(spec['internalTrafficPolicy']) && !['Cluster', 'Local'].includes(str(spec['internalTrafficPolicy']))) {
    errors.push(notSupported(['spec', 'internalTrafficPolicy'], str(spec['internalTrafficPolicy']), ['Cluster', 'Local']));
  }
  if (isSet(spec['trafficDistribution'])) {
    // PreferSameTrafficDistribution is on in every bundled minor (beta in 1.34, GA since 1.35).
    const supported = minor >= 34 ? ['PreferClose', 'PreferSameZone', 'PreferSameNode'] : ['PreferClose'];
    const value = str(spec['trafficDistribution']);
    if (!supported.includes(value)) errors.push(notSupported(['spec', 'trafficDistribution'], value, supported));
  }
  return errors;
}

/** ValidateServiceClusterIPsRelatedFields: clusterIP and clusterIPs agree, families and policy are known values. */
function validateClusterIPsRelatedFields(spec: Obj, strictIp: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const clusterIP = str(spec['clusterIP']);
  const clusterIPs = strings(spec['clusterIPs']);
  const families = strings(spec['ipFamilies']);
  if (clusterIP !== '') {
    if (clusterIPs.length === 0) errors.push(required(['spec', 'clusterIPs']));
    else if (clusterIPs[0] !== clusterIP) errors.push(invalid(['spec', 'clusterIPs'], clusterIPs, 'first value must match `clusterIP`'));
  } else if (clusterIPs.length !== 0) {
    errors.push(invalid(['spec', 'clusterIPs'], clusterIPs, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  families.forEach((family, i) => {
    if (family !== 'IPv4' && family !== 'IPv6') errors.push(notSupported(['spec', 'ipFamilies', i], family, ['IPv4', 'IPv6']));
    if (seen.has(family)) errors.push(duplicate(['spec', 'ipFamilies', i], family));
    seen.add(family);
  });
  if (isSet(spec['ipFamilyPolicy']) && !policies.includes(str(spec['ipFamilyPolicy']))) {
    errors.push(notSupported(['spec', 'ipFamilyPolicy'], str(spec['ipFamilyPolicy']), policies));
  }
  let invalidIps = false;
  clusterIPs.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (clusterIPs.length > 1) {
        invalidIps = true;
        errors.push(invalid(['spec', 'clusterIPs'], clusterIPs, "'None' must be the first and only value"));
      }
      return;
    }
    const problems = validateLegacyIp(['spec', 'clusterIPs', i], ip, strictIp);
    if (problems.length > 0) invalidIps = true;
    errors.push(...problems);
  });
  if (clusterIPs.length > 2) errors.push(invalid(['spec', 'clusterIPs'], clusterIPs, 'may only hold up to 2 values'));
  if (invalidIps) return errors;
  if (clusterIPs.length > 1 && isIPv6Text(clusterIPs[0]!) === isIPv6Text(clusterIPs[1]!)) {
    errors.push(invalid(['spec', 'clusterIPs'], clusterIPs, 'may specify no more than one IP for each IP family'));
  }
  if (!headless(spec)) {
    clusterIPs.forEach((ip, i) => {
      if (i >= families.length) return;
      if (families[i] === 'IPv4' && isIPv6Text(ip)) errors.push(invalid(['spec', 'clusterIPs', i], ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === 'IPv6' && !isIPv6Text(ip)) errors.push(invalid(['spec', 'clusterIPs', i], ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errors;
}

/** The part of initIPFamilyFields that holds on every cluster: a single-stack service has one IP and one family. */
function validateFamilyPolicy(spec: Obj): FieldError[] {
  const selectorless = entries(spec['selector']).length === 0;
  const policy = isSet(spec['ipFamilyPolicy']) ? str(spec['ipFamilyPolicy']) : str(spec['clusterIP']) === 'None' && selectorless ? 'RequireDualStack' : 'SingleStack';
  if (policy !== 'SingleStack') return [];
  const errors: FieldError[] = [];
  if (strings(spec['clusterIPs']).length === 2) errors.push(invalid(['spec', 'ipFamilyPolicy'], policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
  if (strings(spec['ipFamilies']).length === 2) errors.push(invalid(['spec', 'ipFamilyPolicy'], policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
  return errors;
}
