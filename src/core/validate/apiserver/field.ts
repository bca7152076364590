/**
 * Field errors as kube-apiserver reports them (k8s.io/apimachinery
 * pkg/util/validation/field): a path, a type and a detail, printed as
 * `spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
 * Paths are key paths into the manifest (`['spec', 'template', 'spec',
 * 'containers', 0, 'name']`), so every error can be located in the YAML.
 */

export type FieldPath = readonly (string | number)[];

export type FieldErrorType = 'Required' | 'Invalid' | 'NotSupported' | 'Duplicate' | 'Forbidden' | 'TooLong' | 'TooMany' | 'NotFound';

export interface FieldError {
  type: FieldErrorType;
  path: FieldPath;
  /** The offending value as the API server prints it; absent for Required, Forbidden and TooLong. */
  value?: unknown;
  /** The API server's explanation after the type. */
  detail: string;
  /**
   * Where the finding should point when it is not `path` itself: the Go code
   * names a parent (`spec.template.metadata.labels`) or a field the manifest
   * does not spell that way (`spec.template.annotations`).
   */
  at?: FieldPath;
}

/** A value that must not be printed: Secret data, or a whole structure the message does not need. */
export const omitted: unique symbol = Symbol('omitted');

export function required(path: FieldPath, detail = ''): FieldError {
  return { type: 'Required', path, detail };
}

export function invalid(path: FieldPath, value: unknown, detail: string): FieldError {
  return { type: 'Invalid', path, value, detail };
}

export function forbidden(path: FieldPath, detail: string): FieldError {
  return { type: 'Forbidden', path, detail };
}

export function duplicate(path: FieldPath, value: unknown): FieldError {
  return { type: 'Duplicate', path, value, detail: '' };
}

export function notFound(path: FieldPath, value: unknown): FieldError {
  return { type: 'NotFound', path, value, detail: '' };
}

export function notSupported(path: FieldPath, value: unknown, supported: readonly string[]): FieldError {
  const detail = supported.length > 0 ? `supported values: ${supported.map((v) => JSON.stringify(v)).join(', ')}` : '';
  return { type: 'NotSupported', path, value, detail };
}

export function tooLong(path: FieldPath, max: number, detail?: string): FieldError {
  return { type: 'TooLong', path, detail: detail ?? (max >= 0 ? `may not be more than ${max} bytes` : 'value is too long') };
}

export function tooMany(path: FieldPath, actual: number, max: number): FieldError {
  const detail = max >= 0 ? `must have at most ${max} item${max === 1 ? '' : 's'}` : 'has too many items';
  return { type: 'TooMany', path, value: actual, detail };
}

const typeWords: Record<FieldErrorType, string> = {
  Required: 'Required value',
  Invalid: 'Invalid value',
  NotSupported: 'Unsupported value',
  Duplicate: 'Duplicate value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  TooMany: 'Too many',
  NotFound: 'Not found',
};

/** `spec.template.spec.containers[0].name`, as the API server writes paths (map keys in brackets too). */
export function formatPath(path: FieldPath, mapKeys: ReadonlySet<number> = new Set()): string {
  let text = '';
  path.forEach((part, index) => {
    if (typeof part === 'number' || mapKeys.has(index)) text += `[${part}]`;
    else text += text === '' ? part : `.${part}`;
  });
  return text;
}

/** The error as the API server prints it: `path: Type: value: detail`. */
export function formatFieldError(error: FieldError): string {
  let body = typeWords[error.type];
  if ('value' in error && error.type !== 'Required' && error.type !== 'Forbidden' && error.type !== 'TooLong') {
    body += `: ${formatValue(error.value)}`;
  }
  if (error.detail) body += `: ${error.detail}`;
  return `${formatPathOf(error)}: ${body}`;
}

function formatPathOf(error: FieldError): string {
  return formatPath(error.path, mapKeyIndexes(error.path));
}

/**
 * Which parts of a path are map keys: the part after `labels`, `annotations`,
 * `data`, `nodeSelector`, `requests`… Go's field.Path knows; a key path does
 * not, so the few maps that validation names keys of are listed here.
 */
function mapKeyIndexes(path: FieldPath): Set<number> {
  const keys = new Set<number>();
  for (let i = 1; i < path.length; i++) {
    const parent = path[i - 1];
    if (typeof parent === 'string' && mapFields.has(parent) && typeof path[i] === 'string') keys.add(i);
    // A claim's storage request is reported as spec.resources[storage].
    else if (parent === 'resources' && path[i] === 'storage') keys.add(i);
  }
  return keys;
}

const mapFields = new Set(['data', 'binaryData', 'stringData', 'nodeSelector', 'requests', 'limits', 'hard', 'max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio', 'matchLabels']);

function formatValue(value: unknown): string {
  if (value === omitted) return '"<hidden>"';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === undefined || value === null) return 'null';
  const json = JSON.stringify(value);
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}
