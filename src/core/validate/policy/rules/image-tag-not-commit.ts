import { taggedContainerImages } from '../image-reference.js';
import { describeContainer } from '../pod-specs.js';
import type { PolicyRule, RuleViolation } from '../types.js';

/** Shorter prefixes collide too easily to identify a commit (git's own default abbreviation is 7). */
const minimumShaPrefix = 7;

/**
 * A promotion deploys one commit; an image tagged with anything else means
 * the environment would run code other than what the pull request says.
 */
export const imageTagNotCommit: PolicyRule = {
  id: 'image-tag-not-commit',
  severity: 'error',
  summary: 'A container image tag is not the commit being deployed (its full SHA or a prefix of at least 7 characters).',
  hint: 'Tag the image with the commit SHA being deployed, or pin it by digest.',
  check({ object }, context) {
    const sha = context.commitSha?.toLowerCase();
    if (!sha) return [];
    const violations: RuleViolation[] = [];
    for (const { location, reference } of taggedContainerImages(object)) {
      if (context.image !== undefined && reference.repository !== context.image) continue;
      const tag = reference.tag?.toLowerCase();
      if (tag !== undefined && (tag === sha || (tag.length >= minimumShaPrefix && sha.startsWith(tag)))) continue;
      violations.push({
        path: [...location.path, 'image'],
        message:
          `${describeContainer(location)}: image ${reference.repository} ` +
          `${reference.tag === undefined ? 'has no tag' : `is tagged "${reference.tag}"`}, but the commit being deployed is ${context.commitSha}`,
        hint: `Use ${reference.repository}:${context.commitSha}, or pin the image by digest.`,
      });
    }
    return violations;
  },
};
