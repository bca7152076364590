import type { PublishedPackage } from './image-waits.js';

/** Far more tags than one push gives an image; more are not looked at. */
const maxTags = 100;

/**
 * What a `registry_package` event published, read defensively: the payload's
 * container fields are loosely specified (and absent for other ecosystems).
 * Undefined when it is not a container image.
 */
export function publishedPackage(registryPackage: unknown): PublishedPackage | undefined {
  const pkg = (registryPackage ?? {}) as {
    name?: unknown;
    package_type?: unknown;
    package_version?: { version?: unknown; name?: unknown; container_metadata?: { tag?: { name?: unknown; digest?: unknown } | null; tags?: unknown } | null } | null;
  };
  if (typeof pkg.name !== 'string' || String(pkg.package_type).toLowerCase() !== 'container') return undefined;
  const version = pkg.package_version ?? {};
  const metadata = version.container_metadata ?? {};
  const tags = new Set<string>();
  if (typeof metadata.tag?.name === 'string' && metadata.tag.name !== '') tags.add(metadata.tag.name);
  if (Array.isArray(metadata.tags)) for (const tag of metadata.tags.slice(0, maxTags)) if (typeof tag === 'string' && tag !== '') tags.add(tag);
  // For containers, the version's name is the manifest digest.
  const digest = [metadata.tag?.digest, version.version, version.name].find((value): value is string => typeof value === 'string' && /^sha256:[0-9a-f]{64}$/.test(value));
  return { name: pkg.name, tags: [...tags], ...(digest ? { digest } : {}) };
}
