import { downstreamOf } from '../config/environments.js';
import type { EnvironmentConfig, LadderConfig } from '../config/schema.js';

/** An image as a promotion carries it on: the tag, and the digest when known. */
export interface PromotedImage {
  tag: string;
  digest?: string;
}

/**
 * `registry:5000/shop/checkout:<tag>@sha256:<hex>` → its name, tag and
 * digest. The tag is after the last `:` past the last `/` (a registry port
 * is not a tag). Undefined without a tag: Ladder never deploys untagged.
 */
export function splitImageReference(reference: string): { name: string; tag: string; digest?: string } | undefined {
  const at = reference.indexOf('@');
  const withoutDigest = at >= 0 ? reference.slice(0, at) : reference;
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  const colon = withoutDigest.lastIndexOf(':');
  if (colon < 0 || colon < withoutDigest.lastIndexOf('/')) return undefined;
  const name = withoutDigest.slice(0, colon);
  const tag = withoutDigest.slice(colon + 1);
  if (!name || !tag) return undefined;
  return digest ? { name, tag, digest } : { name, tag };
}

/** The tag and digest of a deployed image reference, to promote as is. */
export function promotedImage(reference: string): PromotedImage | undefined {
  const parts = splitImageReference(reference);
  if (!parts) return undefined;
  return parts.digest ? { tag: parts.tag, digest: parts.digest } : { tag: parts.tag };
}

/**
 * Environments to promote into when `deployed` reports a healthy deployment:
 * those listed with `from: { environment: deployed }`.
 */
export function environmentsToPromote(config: LadderConfig, deployed: string): EnvironmentConfig[] {
  return downstreamOf(config, deployed);
}
