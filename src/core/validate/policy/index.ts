import { compareFindings, type Finding } from '../../findings.js';
import type { ManifestDocument } from '../../manifests/document.js';
import { findException } from './exceptions.js';
import { indexManifestSet } from './manifest-set.js';
import { kindOf, nameOf } from './object-access.js';
import { withPodSpecsKept } from './pod-specs.js';
import { clusterScopedResource } from './rules/cluster-scoped-resource.js';
import { hostNamespaces } from './rules/host-namespaces.js';
import { hostPath } from './rules/host-path.js';
import { imageTagMutable } from './rules/image-tag-mutable.js';
import { imageTagNotCommit } from './rules/image-tag-not-commit.js';
import { literalSecretInEnv } from './rules/literal-secret-in-env.js';
import { missingRequiredLabels } from './rules/missing-required-labels.js';
import { missingResources } from './rules/missing-resources.js';
import { namespaceMismatch } from './rules/namespace-mismatch.js';
import { privilegeEscalation } from './rules/privilege-escalation.js';
import { privileged } from './rules/privileged.js';
import { replicasWithHpa } from './rules/replicas-with-hpa.js';
import { runAsRoot } from './rules/run-as-root.js';
import type { PolicyContext, PolicyRule, RuleViolation, SuppressedFinding } from './types.js';

export type { ManifestSet, ScaleTarget } from './manifest-set.js';
export type { KeyPath, PolicyContext, PolicyException, PolicyRule, RuleViolation, SuppressedFinding } from './types.js';
export { defaultRequiredLabels } from './types.js';

/** Every rule, in the order docs/policy.md lists them. */
export const policyRules: readonly PolicyRule[] = [
  imageTagMutable,
  imageTagNotCommit,
  replicasWithHpa,
  privileged,
  privilegeEscalation,
  runAsRoot,
  hostNamespaces,
  hostPath,
  missingResources,
  literalSecretInEnv,
  missingRequiredLabels,
  namespaceMismatch,
  clusterScopedResource,
];

/** For the config loader, which refuses exceptions naming a rule that does not exist. */
export const policyRuleIds: readonly string[] = policyRules.map((rule) => rule.id);

export interface PolicyResult {
  findings: Finding[];
  /** Findings an exception turned off; reports show them with the reason so nothing is hidden silently. */
  suppressed: SuppressedFinding[];
}

/**
 * Runs every policy rule over a manifest set. Pure: the caller parses the
 * files and passes what it knows about the environment in `context`. Both
 * lists come back in `compareFindings` order so reports are stable.
 */
export function runPolicy(
  documents: readonly ManifestDocument[], context: PolicyContext, rules: readonly PolicyRule[] = policyRules,
  /** The whole set rules relate objects in, when `documents` is a part of it. */
  whole: readonly ManifestDocument[] = documents,
): PolicyResult {
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const set = indexManifestSet(whole, context);
  const exceptions = context.exceptions ?? [];
  withPodSpecsKept(() => {
    for (const doc of documents) {
      for (const rule of rules) {
        const violations = rule.check(doc, context, set);
        for (let i = 0; i < violations.length; i++) {
          const finding = toFinding(doc, rule, violations[i]!);
          const exception = exceptions.length > 0 ? findException(finding, exceptions) : undefined;
          if (exception) suppressed.push({ ...finding, reason: exception.reason });
          else findings.push(finding);
        }
      }
    }
  });
  return { findings: findings.sort(compareFindings), suppressed: suppressed.sort(compareFindings) };
}

function toFinding(doc: ManifestDocument, rule: PolicyRule, violation: RuleViolation): Finding {
  const { line, column } = doc.positionOf(violation.path);
  const finding: Finding = { file: doc.file, line, column, rule: rule.id, severity: rule.severity, message: violation.message };
  const kind = kindOf(doc.object);
  const name = nameOf(doc.object);
  if (kind !== undefined) finding.kind = kind;
  if (name !== undefined) finding.name = name;
  finding.hint = violation.hint ?? rule.hint;
  return finding;
}
