import { isSet, list, obj, objects, str, type Obj } from '../access.js';
import { byteLength, inclusiveRangeError, isDns1123Subdomain } from '../content.js';
import { duplicate, forbidden, invalid, notSupported, required, tooLong, type FieldError, type FieldPath } from '../field.js';
import type { PodOptions } from './options.js';
import { validateLocalDescendingPath } from './paths.js';

/** Container and pod security contexts, seccomp, AppArmor, sysctls and Windows options. */

const maxId = 2147483647;

/** A user or group id at `path`.`key`(`[index]`); the path is built only for an id out of range. */
function validateId(value: unknown, path: FieldPath, key: string, index?: number): FieldError[] {
  if (!(typeof value === 'number' && (value < 0 || value > maxId))) return [];
  return [invalid(index === undefined ? [...path, key] : [...path, key, index], value, inclusiveRangeError(0, maxId))];
}

export function validateSeccompProfile(profile: unknown, path: FieldPath): FieldError[] {
  const sp = obj(profile);
  if (!sp) return [];
  const errors: FieldError[] = [];
  const type = str(sp['type']);
  const types = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  if (type === '') errors.push(required([...path, 'type'], 'type is required when seccompProfile is set'));
  else if (!types.includes(type)) errors.push(notSupported([...path, 'type'], type, types));
  if (type === 'Localhost') {
    if (!isSet(sp['localhostProfile'])) errors.push(required([...path, 'localhostProfile'], 'must be set when seccomp type is Localhost'));
    else errors.push(...validateLocalDescendingPath(str(sp['localhostProfile']), [...path, 'localhostProfile']));
  } else if (isSet(sp['localhostProfile'])) {
    errors.push(invalid([...path, 'localhostProfile'], sp, 'can only be set when seccomp type is Localhost'));
  }
  return errors;
}

export function validateAppArmorProfile(profile: unknown, path: FieldPath): FieldError[] {
  const ap = obj(profile);
  if (!ap) return [];
  const errors: FieldError[] = [];
  const type = str(ap['type']);
  if (type === 'Localhost') {
    if (!isSet(ap['localhostProfile'])) errors.push(required([...path, 'localhostProfile'], 'must be set when AppArmor type is Localhost'));
    else {
      const value = str(ap['localhostProfile']);
      if (value.trim() !== value) errors.push(invalid([...path, 'localhostProfile'], value, 'must not be padded with whitespace'));
      else if (value === '') errors.push(required([...path, 'localhostProfile'], 'must be set when AppArmor type is Localhost'));
      if (byteLength(value) > 4095) errors.push(tooLong([...path, 'localhostProfile'], 4095));
    }
  } else if (type === 'RuntimeDefault' || type === 'Unconfined') {
    if (isSet(ap['localhostProfile'])) errors.push(invalid([...path, 'localhostProfile'], str(ap['localhostProfile']), 'can only be set when AppArmor type is Localhost'));
  } else if (type === '') {
    errors.push(required([...path, 'type'], 'type is required when appArmorProfile is set'));
  } else {
    errors.push(notSupported([...path, 'type'], type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  }
  return errors;
}

const netBios = /^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$/;
const windowsDnsDomain = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function validateWindowsOptions(options: unknown, path: FieldPath): FieldError[] {
  const wo = obj(options);
  if (!wo) return [];
  const errors: FieldError[] = [];
  if (isSet(wo['gmsaCredentialSpecName'])) {
    const name = str(wo['gmsaCredentialSpecName']);
    errors.push(...isDns1123Subdomain(name).map((m) => invalid([...path, 'gmsaCredentialSpecName'], name, m)));
  }
  if (isSet(wo['gmsaCredentialSpec'])) {
    const spec = str(wo['gmsaCredentialSpec']);
    if (spec === '') errors.push(invalid([...path, 'gmsaCredentialSpec'], spec, 'gmsaCredentialSpec cannot be an empty string'));
    else if (byteLength(spec) > 64 * 1024) errors.push(invalid([...path, 'gmsaCredentialSpec'], spec, 'gmsaCredentialSpec size must be under 64 KiB'));
  }
  if (isSet(wo['runAsUserName'])) {
    const name = str(wo['runAsUserName']);
    const at = [...path, 'runAsUserName'];
    const parts = name.split('\\');
    if (name === '') errors.push(invalid(at, name, 'runAsUserName cannot be an empty string'));
    else if (/[\x00-\x1f\x7f]/.test(name)) errors.push(invalid(at, name, 'runAsUserName cannot contain control characters'));
    else if (parts.length > 2) errors.push(invalid(at, name, 'runAsUserName cannot contain more than one backslash'));
    else {
      const [domain, user] = parts.length === 1 ? ['', parts[0]!] : [parts[0]!, parts[1]!];
      if (byteLength(domain) >= 256) errors.push(invalid(at, name, "runAsUserName's Domain length must be under 256 characters"));
      if (parts.length === 2 && !(netBios.test(domain) || windowsDnsDomain.test(domain))) {
        errors.push(invalid(at, name, "runAsUserName's Domain doesn't match the NetBios nor the DNS format"));
      }
      if (user === '') errors.push(invalid(at, name, "runAsUserName's User cannot be empty"));
      else if (byteLength(user) > 104) errors.push(invalid(at, name, "runAsUserName's User length must not be longer than 104 characters"));
      if (/^[. ]+$/.test(user)) errors.push(invalid(at, name, "runAsUserName's User cannot contain only periods or spaces"));
      if (/["/\\:;|=,+*?<>@[\]]/.test(user)) errors.push(invalid(at, name, 'runAsUserName\'s User cannot contain the following characters: "/\\:;|=,+*?<>@[]'));
    }
  }
  return errors;
}

/** ValidateSecurityContext of one container. Privileged containers are allowed, as on clusters started with --allow-privileged (kubeadm, kind, managed clusters). */
export function validateContainerSecurityContext(context: unknown, path: FieldPath, hostUsers: boolean): FieldError[] {
  const sc = obj(context);
  if (!sc) return [];
  const errors: FieldError[] = [];
  errors.push(...validateId(sc['runAsUser'], path, 'runAsUser'));
  errors.push(...validateId(sc['runAsGroup'], path, 'runAsGroup'));
  if (isSet(sc['procMount'])) {
    const procMount = str(sc['procMount']);
    if (procMount !== 'Default' && procMount !== 'Unmasked') errors.push(notSupported([...path, 'procMount'], procMount, ['Default', 'Unmasked']));
    if (hostUsers && procMount === 'Unmasked') errors.push(invalid([...path, 'procMount'], procMount, '`hostUsers` must be false to use `Unmasked`'));
  }
  if (isSet(sc['seccompProfile'])) errors.push(...validateSeccompProfile(sc['seccompProfile'], [...path, 'seccompProfile']));
  if (sc['allowPrivilegeEscalation'] === false) {
    if (sc['privileged'] === true) errors.push({ ...invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'), at: [...path, 'allowPrivilegeEscalation'] });
    list(obj(sc['capabilities'])?.['add']).forEach((cap, i) => {
      if (cap === 'CAP_SYS_ADMIN') {
        errors.push({ ...invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'), at: [...path, 'capabilities', 'add', i] });
      }
    });
  }
  if (isSet(sc['windowsOptions'])) errors.push(...validateWindowsOptions(sc['windowsOptions'], [...path, 'windowsOptions']));
  if (isSet(sc['appArmorProfile'])) errors.push(...validateAppArmorProfile(sc['appArmorProfile'], [...path, 'appArmorProfile']));
  return errors;
}

const sysctlPattern = /^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/;
const ipcSysctls = ['kernel.shm_rmid_forced', 'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni'];

/** utilsysctl.GetNamespace: which namespace a sysctl belongs to (net.*, the IPC kernel.* ones, fs.mqueue.*). */
function sysctlNamespace(name: string): 'net' | 'ipc' | undefined {
  const normalized = name.replace(/\//g, '.');
  if (normalized.startsWith('net.')) return 'net';
  if (normalized.startsWith('fs.mqueue.') || ipcSysctls.includes(normalized)) return 'ipc';
  return undefined;
}

/** validatePodSpecSecurityContext. `spec` carries hostNetwork/hostPID/hostIPC, which the internal API keeps in the security context. */
export function validatePodSecurityContext(spec: Obj, path: FieldPath, options: PodOptions): FieldError[] {
  const sc = obj(spec['securityContext']);
  if (!sc) return [];
  const errors: FieldError[] = [];
  errors.push(...validateId(sc['fsGroup'], path, 'fsGroup'));
  errors.push(...validateId(sc['runAsUser'], path, 'runAsUser'));
  errors.push(...validateId(sc['runAsGroup'], path, 'runAsGroup'));
  list(sc['supplementalGroups']).forEach((gid, i) => errors.push(...validateId(gid, path, 'supplementalGroups', i)));
  if (spec['shareProcessNamespace'] === true && spec['hostPID'] === true) {
    errors.push({ ...invalid([...path, 'shareProcessNamespace'], true, 'ShareProcessNamespace and HostPID cannot both be enabled'), at: [...path.slice(0, -1), 'shareProcessNamespace'] });
  }
  const names = new Set<string>();
  objects(sc['sysctls']).forEach((sysctl, i) => {
    const name = str(sysctl['name']);
    const at = [...path, 'sysctls', i, 'name'];
    if (name === '') errors.push(required(at));
    else if (byteLength(name) > 253 || !sysctlPattern.test(name)) {
      errors.push(invalid(at, name, `must have at most 253 characters and match regex ^${sysctlPattern.source.slice(1, -1)}$`));
    } else if (names.has(name)) errors.push(duplicate(at, name));
    const namespace = sysctlNamespace(name);
    if (spec['hostNetwork'] === true && namespace === 'net') errors.push(invalid(at, name, "may not be specified when 'hostNetwork' is true"));
    else if (spec['hostIPC'] === true && namespace === 'ipc') errors.push(invalid(at, name, "may not be specified when 'hostIPC' is true"));
    names.add(name);
  });
  if (isSet(sc['fsGroupChangePolicy'])) {
    const policy = str(sc['fsGroupChangePolicy']);
    if (policy !== 'OnRootMismatch' && policy !== 'Always') errors.push(notSupported([...path, 'fsGroupChangePolicy'], policy, ['Always', 'OnRootMismatch']));
  }
  if (isSet(sc['seccompProfile'])) errors.push(...validateSeccompProfile(sc['seccompProfile'], [...path, 'seccompProfile']));
  if (isSet(sc['windowsOptions'])) errors.push(...validateWindowsOptions(sc['windowsOptions'], [...path, 'windowsOptions']));
  if (isSet(sc['appArmorProfile'])) errors.push(...validateAppArmorProfile(sc['appArmorProfile'], [...path, 'appArmorProfile']));
  if (isSet(sc['supplementalGroupsPolicy'])) {
    const policy = str(sc['supplementalGroupsPolicy']);
    if (policy !== 'Merge' && policy !== 'Strict') errors.push(notSupported([...path, 'supplementalGroupsPolicy'], policy, ['Merge', 'Strict']));
  }
  if (isSet(sc['seLinuxChangePolicy'])) {
    const policy = str(sc['seLinuxChangePolicy']);
    const allowed = options.onlyRecursiveSELinuxChangePolicy ? ['Recursive'] : ['MountOption', 'Recursive'];
    if (!allowed.includes(policy)) errors.push(notSupported([...path, 'seLinuxChangePolicy'], policy, allowed));
  }
  return errors;
}

/** Whether containers share the host's user namespace: spec.hostUsers defaults to true. */
export function usesHostUsers(spec: Obj): boolean {
  return spec['hostUsers'] !== false;
}
