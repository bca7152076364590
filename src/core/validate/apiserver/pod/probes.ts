import { intOrString, isSet, num, obj, objects, str, list, type Obj } from '../access.js';
import { isHttpHeaderName, isValidPortName, isValidPortNum } from '../content.js';
import { forbidden, invalid, notSupported, required, type FieldError, type FieldPath } from '../field.js';
import { validateNonnegative } from '../meta.js';
import type { PodOptions } from './options.js';

/** Probes and lifecycle handlers. */

export function validatePortNumOrName(value: unknown, path: FieldPath): FieldError[] {
  const port = intOrString(value);
  if (port.isInt) return isValidPortNum(port.int).map((m) => invalid(path, port.int, m));
  return isValidPortName(port.str).map((m) => invalid(path, port.str, m));
}

function validateHandler(handler: Obj, kinds: readonly string[], gracePeriod: number | undefined, path: FieldPath, options: PodOptions): FieldError[] {
  const errors: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    const action = obj(handler[kind]);
    if (!action) continue;
    const at = [...path, kind];
    if (count > 0) {
      errors.push(forbidden(at, 'may not specify more than 1 handler type'));
      continue;
    }
    count++;
    if (kind === 'exec') {
      if (list(action['command']).length === 0) errors.push(required([...at, 'command']));
    } else if (kind === 'httpGet') {
      if (str(action['path']) === '') errors.push(required([...at, 'path']));
      errors.push(...validatePortNumOrName(action['port'], [...at, 'port']));
      const scheme = str(action['scheme']);
      if (scheme !== 'HTTP' && scheme !== 'HTTPS') errors.push(notSupported([...at, 'scheme'], scheme, ['HTTP', 'HTTPS']));
      objects(action['httpHeaders']).forEach((header, i) => {
        const name = str(header['name']);
        errors.push(...isHttpHeaderName(name).map((m) => ({ ...invalid([...at, 'httpHeaders'], name, m), at: [...at, 'httpHeaders', i, 'name'] })));
      });
    } else if (kind === 'tcpSocket') {
      errors.push(...validatePortNumOrName(action['port'], [...at, 'port']));
    } else if (kind === 'grpc') {
      errors.push(...validatePortNumOrName(num(action['port']), [...at, 'port']));
    } else if (kind === 'sleep') {
      const seconds = num(action['seconds']);
      if (gracePeriod !== undefined) {
        if (options.allowSleepZero && (seconds < 0 || seconds > gracePeriod)) {
          errors.push(invalid(at, seconds, `must be non-negative and less than terminationGracePeriodSeconds (${gracePeriod})`));
        } else if (!options.allowSleepZero && (seconds <= 0 || seconds > gracePeriod)) {
          errors.push(invalid(at, seconds, `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`));
        }
      }
    }
  }
  if (count === 0) errors.push(required(path, 'must specify a handler type'));
  return errors;
}

const probeHandlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const probeCounts = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'];
const lifecycleHandlers = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

export function validateProbe(probe: Obj, gracePeriod: number | undefined, path: FieldPath, options: PodOptions): FieldError[] {
  const errors = validateHandler(probe, probeHandlers, gracePeriod, path, options);
  for (const key of probeCounts) {
    const value = num(probe[key]);
    if (value < 0) errors.push(...validateNonnegative(value, [...path, key]));
  }
  if (isSet(probe['terminationGracePeriodSeconds']) && num(probe['terminationGracePeriodSeconds']) <= 0) {
    errors.push(invalid([...path, 'terminationGracePeriodSeconds'], num(probe['terminationGracePeriodSeconds']), 'must be greater than 0'));
  }
  return errors;
}

/** postStart and preStop; stopSignal is behind ContainerStopSignals (alpha, off), so the API server drops it. */
export function validateLifecycle(lifecycle: Obj, gracePeriod: number | undefined, path: FieldPath, options: PodOptions): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['postStart', 'preStop']) {
    const handler = obj(lifecycle[key]);
    if (handler) errors.push(...validateHandler(handler, lifecycleHandlers, gracePeriod, [...path, key], options));
  }
  return errors;
}
