/** A `WWW-Authenticate` challenge: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. */
export interface Challenge {
  scheme: 'bearer' | 'basic' | 'other';
  params: Record<string, string>;
}

/** A header longer than this is not a challenge worth reading. */
const maxHeaderLength = 4096;

/**
 * Parses the first challenge of a `WWW-Authenticate` header (registries send
 * one). Parameter values may be quoted (with `\"` escapes) or bare tokens.
 */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header || header.length > maxHeaderLength) return undefined;
  const match = /^\s*([A-Za-z][A-Za-z0-9._~+-]*)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const name = match[1]!.toLowerCase();
  const scheme = name === 'bearer' || name === 'basic' ? name : 'other';
  const params: Record<string, string> = {};
  const pattern = /([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))\s*(?:,|$)/gy;
  const rest = match[2]!;
  pattern.lastIndex = 0;
  let param: RegExpExecArray | null;
  while ((param = pattern.exec(rest)) !== null) {
    params[param[1]!.toLowerCase()] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3]!;
    while (rest[pattern.lastIndex] === ' ') pattern.lastIndex++;
  }
  return { scheme, params };
}
