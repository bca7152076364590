import { cloneData, type Obj } from './access.js';
import { formatFieldError, type FieldError, type FieldPath } from './field.js';
import { kindRules } from './kinds/registry.js';
import type { KindRules, RuleContext } from './kinds/kind.js';
import { podOptionsFor } from './pod/options.js';
import { hintFor } from './hints.js';

export type { FieldError, FieldPath } from './field.js';
export { formatFieldError } from './field.js';

/** One refusal, as the API server would word it, with where it points in the manifest. */
export interface ServerRefusal {
  error: FieldError;
  /** `spec.replicas: Invalid value: -1: must be greater than or equal to 0`. */
  message: string;
  /** How to fix it, in one sentence. */
  hint: string;
  /** `warning` for what only clusters with some settings (the default ones) refuse. */
  severity: 'error' | 'warning';
  /** Key path in the manifest to locate: the field itself, or the closest thing the manifest has. */
  location: FieldPath;
}

export interface ApiServerRules {
  /** Whether the kind is one whose create validation Ladder reproduces. */
  covers(apiVersion: string, kind: string): boolean;
  /**
   * What kube-apiserver's create validation would refuse in this object,
   * after the defaults it applies first. The object must have passed the
   * schema check; it is not modified.
   */
  check(object: Obj): ServerRefusal[];
  /**
   * The object as validation sees it, after the defaults and after dropping
   * the fields of features that are off (a copy); undefined for kinds not
   * covered or converted to another shape first.
   */
  prepared(object: Obj): Obj | undefined;
}

const kinds: Readonly<Record<string, KindRules>> = kindRules;

/** The same rules by apiVersion, then kind: found without building a key for every object. */
const byVersion = new Map<string, Map<string, KindRules>>();
for (const [key, rules] of Object.entries(kinds)) {
  const slash = key.lastIndexOf('/');
  const apiVersion = key.slice(0, slash);
  let ofVersion = byVersion.get(apiVersion);
  if (!ofVersion) byVersion.set(apiVersion, (ofVersion = new Map()));
  ofVersion.set(key.slice(slash + 1), rules);
}

function rulesOf(object: Obj): KindRules | undefined {
  const apiVersion = object['apiVersion'];
  const kind = object['kind'];
  // A kind holds no slash in any key, so the split is the key's own.
  if (typeof apiVersion === 'string' && typeof kind === 'string' && !kind.includes('/')) return byVersion.get(apiVersion)?.get(kind);
  const key = `${String(apiVersion)}/${String(kind)}`;
  return Object.hasOwn(kinds, key) ? kinds[key] : undefined;
}

/**
 * The API server's own validation of the built-in kinds in scope, ported from
 * kube-apiserver (pkg/apis/<group>/validation) for Kubernetes 1.`minor`:
 * defaulting, then validation, as a create or a server-side apply would run them.
 */
export function createApiServerRules(minor: number): ApiServerRules {
  const context: RuleContext = { minor, pod: podOptionsFor(minor) };
  return {
    covers: (apiVersion, kind) => Object.hasOwn(kinds, `${apiVersion}/${kind}`),
    prepared(object) {
      const rules = rulesOf(object);
      if (!rules || rules.reshapes) return undefined;
      const copy = rules.copy ? rules.copy(object) : cloneData(object);
      rules.prepare(copy, context);
      return copy;
    },
    check(object) {
      const rules = rulesOf(object);
      if (!rules) return [];
      const copy = rules.copy ? rules.copy(object) : cloneData(object);
      rules.prepare(copy, context);
      const errors = dedupe(rules.validate(copy, context));
      const warnings = errors.length === 0 ? (rules.advise?.(copy, context) ?? []) : [];
      if (errors.length === 0 && warnings.length === 0) return [];
      const refusal = (severity: ServerRefusal['severity']) => (error: FieldError): ServerRefusal => ({
        error, severity,
        message: formatFieldError(error),
        hint: hintFor(error),
        location: error.at ?? error.path,
      });
      return [...errors.map(refusal('error')), ...warnings.map(refusal('warning'))];
    },
  };
}

/** The Go code sometimes reports the same problem twice (a template's labels, say); say it once. */
function dedupe(errors: FieldError[]): FieldError[] {
  if (errors.length < 2) return errors;
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${formatFieldError(error)}\u0000${JSON.stringify(error.at ?? error.path)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
