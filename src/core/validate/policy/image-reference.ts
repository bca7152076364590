/** The parts of a container image reference that policy cares about. */
export interface ImageReference {
  /** Everything before the tag and digest, e.g. `registry.example.com:5000/shop/checkout`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/**
 * Splits `[registry[:port]/]path[:tag][@digest]`. The tag is the part after
 * the last `:` of the last path segment, so a registry port is never taken
 * for a tag.
 */
export function parseImageReference(reference: string): ImageReference {
  const at = reference.indexOf('@');
  const named = at < 0 ? reference : reference.slice(0, at);
  const digest = at < 0 ? undefined : reference.slice(at + 1);
  const lastSlash = named.lastIndexOf('/');
  const colon = named.indexOf(':', lastSlash + 1);
  const repository = colon < 0 ? named : named.slice(0, colon);
  const tag = colon < 0 ? undefined : named.slice(colon + 1);
  const parsed: ImageReference = { repository };
  if (tag !== undefined) parsed.tag = tag;
  if (digest !== undefined) parsed.digest = digest;
  return parsed;
}

/** A digest pins the image content whatever the tag says; only a well-formed one counts. */
export function isDigestPinned(reference: ImageReference): boolean {
  return reference.digest !== undefined && /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(reference.digest);
}
