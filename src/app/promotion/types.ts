import type { RepoRef } from '../../adapters/github/types.js';

/** One promotion asked for: a code commit to an environment, for a reason. */
export interface PromotionRequest {
  codeRepo: RepoRef;
  sourceSha: string;
  environment: string;
  /** Set when promoting an upstream environment's image: rendered with this tag (and digest) instead of one from sourceSha. */
  image?: { tag: string; digest?: string; builtFrom?: string };
  reason: 'merge' | 'push' | 'deployment' | 'command';
  requestedBy?: string;
}
