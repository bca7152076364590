/**
 * Git trailers on every manifest commit Ladder writes. They are how Ladder
 * later learns what is deployed where (deployment statuses, the PR body's
 * "old → new", rollbacks); the PR body repeats them in an HTML comment so a
 * squash merge keeps them.
 */
export interface LadderTrailers {
  service: string;
  environment: string;
  /** Code repository, `owner/name`. */
  sourceRepo: string;
  /** 40-hex code commit the manifests were rendered from. */
  sourceSha: string;
  /** Full image reference deployed, `<image>:<tag>[@sha256:<digest>]`. */
  image: string;
  /** Code commits an earlier version of this promotion carried and this one replaces. */
  supersedes?: string[];
  kind?: 'promotion' | 'rollback';
}

const keys = {
  service: 'Ladder-Service',
  environment: 'Ladder-Environment',
  source: 'Ladder-Source',
  image: 'Ladder-Image',
  supersedes: 'Ladder-Supersedes',
  kind: 'Ladder-Kind',
} as const;

const sha = /^[0-9a-f]{40}$/;
// What Ladder writes: config names (DNS labels), `owner/name` and image references. Anything
// else (spaces, `<`, `>`, backticks) could only come from a hand-written commit, and would be
// copied into PR bodies, where `-->` would end the trailers' HTML comment early.
const name = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const repoName = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const imageReference = /^[A-Za-z0-9][A-Za-z0-9._\/:@-]*$/;

/** The trailer lines, without a leading blank line; one per key, in a fixed order. */
export function formatTrailers(t: LadderTrailers): string {
  const lines = [
    `${keys.service}: ${t.service}`,
    `${keys.environment}: ${t.environment}`,
    `${keys.source}: ${t.sourceRepo}@${t.sourceSha}`,
    `${keys.image}: ${t.image}`,
  ];
  if (t.supersedes && t.supersedes.length > 0) lines.push(`${keys.supersedes}: ${t.supersedes.join(',')}`);
  if (t.kind && t.kind !== 'promotion') lines.push(`${keys.kind}: ${t.kind}`);
  return lines.join('\n');
}

/**
 * Reads Ladder's trailers from a commit message or PR body (anywhere in it:
 * the body holds them inside an HTML comment). Undefined unless service,
 * environment, source and image are all present and well formed (values of
 * the shape Ladder writes, nothing that could break out of Markdown); the last
 * occurrence of a key wins, as with git's own trailer parsing.
 */
export function parseTrailers(message: string): LadderTrailers | undefined {
  const found = new Map<string, string>();
  for (const raw of message.split(/\r?\n/)) {
    const match = /^\s*(Ladder-[A-Za-z]+):\s*(.*?)\s*$/.exec(raw);
    if (match) found.set(match[1]!.toLowerCase(), match[2]!);
  }
  const get = (key: string) => found.get(key.toLowerCase());
  const service = get(keys.service);
  const environment = get(keys.environment);
  const source = get(keys.source);
  const image = get(keys.image);
  if (!service || !environment || !source || !image) return undefined;
  const at = source.lastIndexOf('@');
  const sourceRepo = source.slice(0, at);
  const sourceSha = source.slice(at + 1);
  if (at <= 0 || !repoName.test(sourceRepo) || !sha.test(sourceSha)) return undefined;
  if (!name.test(service) || !name.test(environment) || !imageReference.test(image)) return undefined;
  const trailers: LadderTrailers = { service, environment, sourceRepo, sourceSha, image };
  const supersedes = get(keys.supersedes)
    ?.split(',')
    .map((s) => s.trim())
    .filter((s) => sha.test(s));
  if (supersedes && supersedes.length > 0) trailers.supersedes = supersedes;
  const kind = get(keys.kind);
  if (kind === 'rollback' || kind === 'promotion') trailers.kind = kind;
  return trailers;
}

/** The HTML comment that carries the trailers at the end of a PR body. */
export function trailersComment(t: LadderTrailers): string {
  return `<!-- ladder:promotion\n${formatTrailers(t)}\n-->`;
}
