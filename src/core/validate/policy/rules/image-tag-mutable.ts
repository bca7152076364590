import { taggedContainerImages } from '../image-reference.js';
import { describeContainer } from '../pod-specs.js';
import type { PolicyRule, RuleViolation } from '../types.js';

/**
 * `latest` (or no tag, which means `latest`) names whatever was pushed last:
 * the manifest in Git no longer says what runs, a rollback by revert restores
 * nothing, and two nodes can run different code for the same pod template.
 */
export const imageTagMutable: PolicyRule = {
  id: 'image-tag-mutable',
  severity: 'error',
  summary: 'A container image uses the `latest` tag or no tag at all.',
  hint: 'Use an immutable tag such as the commit SHA, or pin the image by digest (`image@sha256:…`).',
  check({ object }) {
    const violations: RuleViolation[] = [];
    for (const { location, reference } of taggedContainerImages(object)) {
      const problem =
        reference.tag === undefined ? 'has no tag, which means "latest"' : reference.tag === 'latest' ? 'uses the tag "latest"' : undefined;
      if (!problem) continue;
      violations.push({
        path: [...location.path, 'image'],
        message: `${describeContainer(location)}: image ${reference.repository} ${problem}, a tag that moves whenever someone pushes`,
      });
    }
    return violations;
  },
};
