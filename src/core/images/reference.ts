/**
 * Image references as container runtimes read them (`[registry/]repository[:tag][@digest]`),
 * split into what the OCI distribution API asks for: the registry host, the
 * repository name and the reference (digest when pinned, else the tag).
 */
export interface ImageReference {
  /** `ghcr.io`, `registry.example.com:5000`; Docker Hub's API host for bare names. */
  registry: string;
  /** `shop/checkout`; Docker Hub's official images gain `library/`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = 'registry-1.docker.io';
const repositoryPattern = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const digestPattern = /^sha256:[0-9a-f]{64}$/;
/** Long enough for any real reference; a longer one is not worth parsing. */
const maxLength = 1024;

/** Parses an image reference; a string error says what is wrong with it. */
export function parseImageReference(text: string): ImageReference | string {
  if (text.length > maxLength) return `longer than ${maxLength} characters`;
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) return `digest ${JSON.stringify(digest)} is not sha256: and 64 lower-case hex digits`;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag)) return `tag ${JSON.stringify(tag)} is not a valid tag`;
  }
  const slash = rest.indexOf('/');
  const first = slash < 0 ? '' : rest.slice(0, slash);
  // As Docker reads it: the first part is a registry host when it has a dot or a port, or is localhost.
  const hasHost = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasHost ? first : DOCKER_HUB;
  let repository = hasHost ? rest.slice(slash + 1) : rest;
  if (registry === 'docker.io' || registry === 'index.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (!/^[A-Za-z0-9.-]+(?::[0-9]{1,5})?$/.test(registry)) return `registry ${JSON.stringify(registry)} is not a host name`;
  if (!repositoryPattern.test(repository)) return `repository ${JSON.stringify(repository)} is not a valid repository name`;
  if (tag === undefined && digest === undefined) return 'names neither a tag nor a digest';
  return { registry, repository, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** What the registry is asked for: the digest when pinned (that is what runs), else the tag. */
export function manifestReference(image: ImageReference): string {
  return image.digest ?? image.tag!;
}

export function formatImageReference(image: ImageReference): string {
  return `${image.registry}/${image.repository}${image.tag ? `:${image.tag}` : ''}${image.digest ? `@${image.digest}` : ''}`;
}
