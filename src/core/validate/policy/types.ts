import type { Finding, Severity } from '../../findings.js';
import type { ManifestDocument } from '../../manifests/document.js';
import type { ManifestSet } from './manifest-set.js';

/** Keys and array indexes from the document root, as `ManifestDocument.positionOf` takes them. */
export type KeyPath = readonly (string | number)[];

/** One problem a rule found in one document; the engine adds file, position, kind, name and severity. */
export interface RuleViolation {
  /** Where the offending key is (or would be, for a missing key: the engine points at its deepest existing parent). */
  path: KeyPath;
  /** Plain words naming the container and field; never a secret value. */
  message: string;
  /** Replaces the rule's general hint when the fix depends on the finding (e.g. the expected image tag). */
  hint?: string;
}

/**
 * A policy exception from `.github/ladder.yml` (`validation.disable`). Declared
 * here rather than imported from the config schema so the engine does not
 * depend on zod's inferred types; the config type is assignable to it.
 */
export interface PolicyException {
  rule: string;
  reason: string;
  /** `Kind/name` entries; the exception covers every resource when absent. */
  resources?: readonly string[];
}

export interface PolicyContext {
  /** The environment's namespace; `namespace-mismatch` only runs when set. */
  namespace?: string;
  /** The commit being deployed; `image-tag-not-commit` only runs when set. */
  commitSha?: string;
  /**
   * The service's image repository (config `image`). When set,
   * `image-tag-not-commit` checks only containers running it, so third-party
   * sidecars with version tags pass; when absent it checks every image.
   */
  image?: string;
  /** Kinds the service may ship although they are cluster-scoped (config `validation.allowClusterScoped`). */
  allowClusterScoped?: readonly string[];
  /**
   * The cluster-scoped objects the manifest repository grants (`.ladder/services.yml`),
   * by kind and name. When set, it replaces `allowClusterScoped`: an object passes
   * only when its kind and its name are granted.
   */
  clusterScopedGrant?: readonly { kind: string; names: readonly string[] }[];
  /** Rules turned off, with reasons (config `validation.disable`). */
  exceptions?: readonly PolicyException[];
  /**
   * Scope lookup from the schema validator, which knows every built-in kind of
   * the chosen Kubernetes version; `undefined` means it does not know the kind.
   */
  isNamespaced?: (apiVersion: string, kind: string) => boolean | undefined;
  /** Labels every resource must carry; `defaultRequiredLabels` when absent. */
  requiredLabels?: readonly string[];
}

export interface PolicyRule {
  id: string;
  severity: Severity;
  /** One line for the rule table in docs/policy.md and `--help`-style listings. */
  summary: string;
  /** How to fix a finding, in one sentence. */
  hint: string;
  /** `set` is the whole manifest set, indexed once per run, for rules that relate objects (an HPA and its target, a CRD and its resources). */
  check(doc: ManifestDocument, context: PolicyContext, set: ManifestSet): RuleViolation[];
}

/** A finding an exception turned off; reports still show it, with the recorded reason. */
export interface SuppressedFinding extends Finding {
  reason: string;
}

export const defaultRequiredLabels: readonly string[] = [
  'app.kubernetes.io/name',
  'app.kubernetes.io/version',
  'app.kubernetes.io/managed-by',
];
