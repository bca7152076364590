import type { KubeObject } from '../../manifests/document.js';
import { stringAt } from './object-access.js';
import { findPodSpec, listContainers, type ContainerLocation } from './pod-specs.js';
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

/** A container whose image is not pinned by digest, with its image parsed: what the tag rules look at. */
export interface TaggedContainerImage {
  location: ContainerLocation;
  reference: ImageReference;
}

/** The containers of the object's pod spec whose image is set and not pinned by digest (a digest is always immutable). */
export function taggedContainerImages(object: KubeObject): TaggedContainerImage[] {
  const pod = findPodSpec(object);
  if (!pod) return [];
  const images: TaggedContainerImage[] = [];
  for (const location of listContainers(pod)) {
    const image = stringAt(location.container, 'image');
    if (image === undefined || image === '') continue;
    const reference = parseImageReference(image);
    if (!isDigestPinned(reference)) images.push({ location, reference });
  }
  return images;
}
