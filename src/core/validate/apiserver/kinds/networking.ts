import { byteLength, isDns1035Label, isDns1123Label, isDns1123Subdomain, isDomainPrefixedPath, isPathSegmentName, isValidPortName, isValidPortNum, isWildcardDns1123Subdomain } from '../content.js';
import { intOrString, isSet, num, obj, objects, str, strings, type Obj } from '../access.js';
import { gateEnabled } from '../features.js';
import { forbidden, invalid, notSupported, required, tooLong, type FieldError, type FieldPath } from '../field.js';
import { cidrFamily, ipAddressBytes, validateLegacyCidr } from '../ip.js';
import { nameIsDnsSubdomain, validateLabelSelector, validateObjectMeta } from '../meta.js';
import { copyTopLevel, type KindRules } from './kind.js';

/** networking.k8s.io/v1: Ingress, IngressClass, NetworkPolicy. */

export const ingress: KindRules = {
  copy: copyTopLevel,
  prepare() {},
  validate(object, { minor }) {
    const metadata = obj(object['metadata']) ?? {};
    const spec = obj(object['spec']) ?? {};
    const relaxedServiceNames = gateEnabled('RelaxedServiceNameValidation', minor);
    const errors = validateObjectMeta(metadata, { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    const rules = objects(spec['rules']);
    if (rules.length === 0 && !isSet(spec['defaultBackend'])) errors.push(invalid(['spec'], rules, 'either `defaultBackend` or `rules` must be specified'));
    const defaultBackend = obj(spec['defaultBackend']);
    if (defaultBackend) errors.push(...validateBackend(defaultBackend, ['spec', 'defaultBackend'], relaxedServiceNames));
    rules.forEach((rule, i) => {
      const at = ['spec', 'rules', i];
      const host = str(rule['host']);
      if (host !== '') {
        if (ipAddressBytes(host)) errors.push(invalid([...at, 'host'], host, 'must be a DNS name, not an IP address'));
        const problems = host.includes('*') ? isWildcardDns1123Subdomain(host) : isDns1123Subdomain(host);
        errors.push(...problems.map((m) => invalid([...at, 'host'], host, m)));
      }
      const http = obj(rule['http']);
      if (!http) return;
      const paths = objects(http['paths']);
      if (paths.length === 0) errors.push(required([...at, 'http', 'paths']));
      paths.forEach((path, j) => errors.push(...validatePath(path, [...at, 'http', 'paths', j], relaxedServiceNames)));
    });
    objects(spec['tls']).forEach((tls, i) => {
      strings(tls['hosts']).forEach((host, j) => {
        const problems = host.includes('*') ? isWildcardDns1123Subdomain(host) : isDns1123Subdomain(host);
        errors.push(...problems.map((m) => invalid(['spec', 'tls', i, 'hosts', j], host, m)));
      });
      const secretName = str(tls['secretName']);
      if (secretName !== '') errors.push(...isDns1123Subdomain(secretName).map((m) => invalid(['spec', 'tls', i, 'secretName'], secretName, m)));
    });
    if (isSet(spec['ingressClassName'])) {
      const name = str(spec['ingressClassName']);
      errors.push(...isDns1123Subdomain(name).map((m) => invalid(['spec', 'ingressClassName'], name, m)));
    }
    const annotation = obj(metadata['annotations'])?.['kubernetes.io/ingress.class'];
    if (isSet(annotation) && isSet(spec['ingressClassName']) && annotation !== spec['ingressClassName']) {
      errors.push({ ...invalid(['annotations', 'kubernetes.io/ingress.class'], str(annotation), 'must match `ingressClassName` when both are specified'), at: ['metadata', 'annotations', 'kubernetes.io/ingress.class'] });
    }
    return errors;
  },
};

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];

function validatePath(path: Obj, at: FieldPath, relaxedServiceNames: boolean): FieldError[] {
  if (!isSet(path['pathType'])) return [required([...at, 'pathType'], 'pathType must be specified')];
  const errors: FieldError[] = [];
  const type = str(path['pathType']);
  const value = str(path['path']);
  if (type === 'Exact' || type === 'Prefix') {
    if (!value.startsWith('/')) errors.push(invalid([...at, 'path'], value, 'must be an absolute path'));
    if (value !== '') {
      for (const sequence of ['//', '/./', '/../', '%2f', '%2F']) if (value.includes(sequence)) errors.push(invalid([...at, 'path'], value, `must not contain '${sequence}'`));
      for (const suffix of ['/..', '/.']) if (value.endsWith(suffix)) errors.push(invalid([...at, 'path'], value, `cannot end with '${suffix}'`));
    }
  } else if (type === 'ImplementationSpecific') {
    if (value !== '' && !value.startsWith('/')) errors.push(invalid([...at, 'path'], value, 'must be an absolute path'));
  } else {
    errors.push(notSupported([...at, 'pathType'], type, pathTypes));
  }
  errors.push(...validateBackend(obj(path['backend']) ?? {}, [...at, 'backend'], relaxedServiceNames));
  return errors;
}

function validateBackend(backend: Obj, path: FieldPath, relaxedServiceNames: boolean): FieldError[] {
  const resource = obj(backend['resource']);
  const service = obj(backend['service']);
  if (resource && service) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (resource) return validateTypedReference(resource, [...path, 'resource']);
  if (!service) return [invalid(path, '', 'resource or service backend is required')];
  const errors: FieldError[] = [];
  const name = str(service['name']);
  if (name === '') errors.push(required([...path, 'service', 'name']));
  else errors.push(...(relaxedServiceNames ? isDns1123Label(name) : isDns1035Label(name)).map((m) => invalid([...path, 'service', 'name'], name, m)));
  const port = obj(service['port']) ?? {};
  const portName = str(port['name']);
  const portNumber = num(port['number']);
  if (portName !== '' && portNumber !== 0) errors.push({ ...invalid(path, '', 'cannot set both port name & port number'), at: [...path, 'service', 'port'] });
  else if (portName !== '') errors.push(...isValidPortName(portName).map((m) => invalid([...path, 'service', 'port', 'name'], portName, m)));
  else if (portNumber !== 0) errors.push(...isValidPortNum(portNumber).map((m) => invalid([...path, 'service', 'port', 'number'], portNumber, m)));
  else errors.push({ ...required(path, 'port name or number is required'), at: [...path, 'service'] });
  return errors;
}

function validateTypedReference(reference: Obj, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  if (isSet(reference['apiGroup'])) errors.push(...isDns1123Subdomain(str(reference['apiGroup'])).map((m) => invalid([...path, 'apiGroup'], str(reference['apiGroup']), m)));
  for (const key of ['kind', 'name']) {
    const value = str(reference[key]);
    if (value === '') errors.push(required([...path, key]));
    else errors.push(...isPathSegmentName(value).map((m) => invalid([...path, key], value, m)));
  }
  return errors;
}

export const ingressClass: KindRules = {
  prepare(object) {
    const parameters = obj(obj(object['spec'])?.['parameters']);
    if (parameters && !isSet(parameters['scope'])) parameters['scope'] = 'Cluster';
  },
  validate(object) {
    const spec = obj(object['spec']) ?? {};
    const errors = validateObjectMeta(obj(object['metadata']), { namespaced: false, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    const controller = str(spec['controller']);
    if (byteLength(controller) > 250) errors.push(tooLong(['spec', 'controller'], 250));
    if (controller === '') errors.push(required(['spec', 'controller']));
    else errors.push(...isDomainPrefixedPath(controller).map((m) => invalid(['spec', 'controller'], controller, m)));
    const parameters = obj(spec['parameters']);
    if (parameters) errors.push(...validateParameters(parameters, ['spec', 'parameters']));
    return errors;
  },
};

function validateParameters(parameters: Obj, path: FieldPath): FieldError[] {
  const errors = validateTypedReference(parameters, path);
  if (!isSet(parameters['scope'])) return [...errors, required([...path, 'scope'])];
  const scope = str(parameters['scope']);
  if (scope !== 'Cluster' && scope !== 'Namespace') errors.push(notSupported([...path, 'scope'], scope, ['Cluster', 'Namespace']));
  else if (scope === 'Namespace') {
    if (!isSet(parameters['namespace'])) errors.push(required([...path, 'namespace'], "`parameters.scope` is set to 'Namespace'"));
    else errors.push(...isDns1123Label(str(parameters['namespace'])).map((m) => invalid([...path, 'namespace'], str(parameters['namespace']), m)));
  } else if (isSet(parameters['namespace'])) {
    errors.push(forbidden([...path, 'namespace'], "`parameters.scope` is set to 'Cluster'"));
  }
  return errors;
}

export const networkPolicy: KindRules = {
  prepare(object) {
    const spec = (obj(object['spec']) ?? (object['spec'] = {})) as Obj;
    if (strings(spec['policyTypes']).length === 0) spec['policyTypes'] = objects(spec['egress']).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
    for (const rule of [...objects(spec['ingress']), ...objects(spec['egress'])]) {
      for (const port of objects(rule['ports'])) if (!isSet(port['protocol'])) port['protocol'] = 'TCP';
    }
  },
  validate(object, { minor }) {
    const spec = obj(object['spec']) ?? {};
    const strictIp = gateEnabled('StrictIPCIDRValidation', minor);
    const errors = validateObjectMeta(obj(object['metadata']), { namespaced: true, nameCheck: nameIsDnsSubdomain }, ['metadata']);
    errors.push(...validateLabelSelector(spec['podSelector'] ?? {}, ['spec', 'podSelector']));
    for (const [direction, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
      objects(spec[direction]).forEach((rule, i) => {
        const at = ['spec', direction, i];
        objects(rule['ports']).forEach((port, j) => errors.push(...validatePolicyPort(port, [...at, 'ports', j])));
        objects(rule[peersKey]).forEach((peer, j) => errors.push(...validatePeer(peer, [...at, peersKey, j], strictIp)));
      });
    }
    const types = strings(spec['policyTypes']);
    if (types.length > 2) return [...errors, invalid(['spec', 'policyTypes'], types, 'may not specify more than two policyTypes')];
    types.forEach((type, i) => {
      if (type !== 'Ingress' && type !== 'Egress') errors.push(notSupported(['spec', 'policyTypes', i], type, ['Ingress', 'Egress']));
    });
    return errors;
  },
};

function validatePolicyPort(port: Obj, path: FieldPath): FieldError[] {
  const errors: FieldError[] = [];
  if (isSet(port['protocol']) && !['TCP', 'UDP', 'SCTP'].includes(str(port['protocol']))) errors.push(notSupported([...path, 'protocol'], str(port['protocol']), ['TCP', 'UDP', 'SCTP']));
  const endPort = isSet(port['endPort']) ? num(port['endPort']) : undefined;
  if (isSet(port['port'])) {
    const value = intOrString(port['port']);
    if (value.isInt) {
      errors.push(...isValidPortNum(value.int).map((m) => invalid([...path, 'port'], value.int, m)));
      if (endPort !== undefined) {
        if (endPort < value.int) errors.push(invalid([...path, 'endPort'], value.int, 'must be greater than or equal to `port`'));
        errors.push(...isValidPortNum(endPort).map((m) => invalid([...path, 'endPort'], endPort, m)));
      }
    } else {
      if (endPort !== undefined) errors.push(invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is non-numeric'));
      errors.push(...isValidPortName(value.str).map((m) => invalid([...path, 'port'], value.str, m)));
    }
  } else if (endPort !== undefined) {
    errors.push(invalid([...path, 'endPort'], endPort, 'may not be specified when `port` is not specified'));
  }
  return errors;
}

function validatePeer(peer: Obj, path: FieldPath, strictIp: boolean): FieldError[] {
  const errors: FieldError[] = [];
  let count = 0;
  for (const key of ['podSelector', 'namespaceSelector']) {
    if (!isSet(peer[key])) continue;
    count++;
    errors.push(...validateLabelSelector(peer[key], [...path, key]));
  }
  const block = obj(peer['ipBlock']);
  if (block) {
    count++;
    errors.push(...validateIpBlock(block, [...path, 'ipBlock'], strictIp));
  }
  if (count === 0) errors.push(required(path, 'must specify a peer'));
  else if (count > 1 && block) errors.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errors;
}

function validateIpBlock(block: Obj, path: FieldPath, strictIp: boolean): FieldError[] {
  const cidr = str(block['cidr']);
  if (cidr === '') return [required([...path, 'cidr'])];
  const errors = validateLegacyCidr([...path, 'cidr'], cidr, strictIp);
  const outer = cidrRange(cidr);
  if (!outer) return errors;
  strings(block['except']).forEach((except, i) => {
    const at = [...path, 'except', i];
    errors.push(...validateLegacyCidr(at, except, strictIp));
    const inner = cidrRange(except);
    if (!inner) return;
    if (!contains(outer, inner.address) || outer.bits >= inner.bits) errors.push(invalid(at, except, 'must be a strict subset of `cidr`'));
  });
  return errors;
}

interface CidrRange {
  address: number[];
  bits: number;
  family: 4 | 6;
}

function cidrRange(text: string): CidrRange | undefined {
  const slash = text.indexOf('/');
  const family = cidrFamily(text);
  const address = slash < 0 ? undefined : ipAddressBytes(text.slice(0, slash));
  const bits = Number(text.slice(slash + 1));
  if (!family || !address || !/^[0-9]+$/.test(text.slice(slash + 1)) || bits > address.length * 8) return undefined;
  return { address, bits, family };
}

function contains(outer: CidrRange, address: number[]): boolean {
  if (outer.address.length !== address.length) return false;
  for (let bit = 0; bit < outer.bits; bit++) {
    const mask = 1 << (7 - (bit & 7));
    if ((outer.address[bit >> 3]! & mask) !== (address[bit >> 3]! & mask)) return false;
  }
  return true;
}
