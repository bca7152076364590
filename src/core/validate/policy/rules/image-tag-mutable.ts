import { parseImageReference, isDigestPinned } from '../image-reference.js';
import { stringAt } from '../object-access.js';
import { describeContainer, findPodSpec, listContainers } from '../pod-specs.js';
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
    const pod = findPodSpec(object);
    if (!pod) return [];
    const violations: RuleViolation[] = [];
    for (const location of listContainers(pod)) {
      const image = stringAt(location.container, 'image');
      if (image === undefined || image === '') continue;
      const reference = parseImageReference(image);
      if (isDigestPinned(reference)) continue;
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
