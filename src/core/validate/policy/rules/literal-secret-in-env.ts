import { isFields, listAt, stringAt } from '../object-access.js';
import { describeContainer, findPodSpec, listContainers } from '../pod-specs.js';
import { describeCredentialValue, isLiteralSecretValue, isSecretName } from '../secret-patterns.js';
import type { PolicyRule, RuleViolation } from '../types.js';

/**
 * A secret written into a manifest is in Git history for good, readable by
 * everyone with access to the manifest repository and shown in every pull
 * request diff. Messages name the variable, never its value.
 */
export const literalSecretInEnv: PolicyRule = {
  id: 'literal-secret-in-env',
  severity: 'error',
  summary: 'An environment variable holds a literal value that looks like a secret (by its name or by its shape).',
  hint:
    'Move the value into a Secret and use `valueFrom.secretKeyRef`; ship the Secret SOPS-encrypted (docs/secrets.md#sops-encrypted-files) ' +
    'or through External Secrets Operator or Sealed Secrets (docs/secrets.md#external-secrets-operator-and-sealed-secrets). Then rotate the value: it is already in Git history.',
  check({ object }) {
    const pod = findPodSpec(object);
    if (!pod) return [];
    const violations: RuleViolation[] = [];
    for (const location of listContainers(pod)) {
      listAt(location.container, 'env').forEach((entry, index) => {
        if (!isFields(entry)) return;
        const value = stringAt(entry, 'value');
        if (value === undefined) return;
        const name = stringAt(entry, 'name') ?? `#${index}`;
        const shape = describeCredentialValue(value);
        const reason = shape
          ? `its value looks like ${shape}`
          : isSecretName(name) && isLiteralSecretValue(value)
            ? 'its name says it is a secret'
            : undefined;
        if (!reason) return;
        violations.push({
          path: [...location.path, 'env', index, 'value'],
          message: `${describeContainer(location)}: env ${name} (env[${index}]) is set to a literal value and ${reason} (value not shown)`,
        });
      });
    }
    return violations;
  },
};
