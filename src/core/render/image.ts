import type { LadderConfig } from '../config/schema.js';

const commitSha = /^[0-9a-f]{40}$/;
const sha256Digest = /^sha256:[0-9a-f]{64}$/;

/** The image tag for a commit: the full SHA, or its first `length` digits for `short-sha`. */
export function imageTagFor(sha: string, tag: LadderConfig['imageTag']): string {
  assertCommitSha(sha);
  return tag.format === 'short-sha' ? sha.slice(0, tag.length) : sha;
}

/**
 * The image reference a commit deploys: `<image>:<tag>`, or `<image>:<tag>@<digest>`
 * when the registry gave a digest. The runtime pulls by digest and ignores the
 * tag, which stays for people and for the `image-tag-not-commit` policy.
 */
export function imageReference(image: string, sha: string, tag: LadderConfig['imageTag'], digest?: string): string {
  const reference = `${image}:${imageTagFor(sha, tag)}`;
  if (digest === undefined) return reference;
  if (!sha256Digest.test(digest)) {
    throw new RangeError(`image digest must be sha256: and 64 lower-case hex digits, not ${JSON.stringify(digest)}`);
  }
  return `${reference}@${digest}`;
}

const imageTag = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** `<image>:<tag>[@<digest>]` for a tag given as is (an upstream environment's image). */
export function taggedReference(image: string, tag: string, digest?: string): string {
  if (!imageTag.test(tag)) throw new RangeError(`image tag must be a valid OCI tag, not ${JSON.stringify(tag)}`);
  if (digest !== undefined && !sha256Digest.test(digest)) {
    throw new RangeError(`image digest must be sha256: and 64 lower-case hex digits, not ${JSON.stringify(digest)}`);
  }
  return `${image}:${tag}${digest === undefined ? '' : `@${digest}`}`;
}

/** SHAs come from GitHub or from the CLI, which checks its arguments: a bad one here is a bug. */
export function assertCommitSha(sha: string): void {
  if (!commitSha.test(sha)) throw new RangeError(`commit SHA must be 40 lower-case hex digits, not ${JSON.stringify(sha)}`);
}
