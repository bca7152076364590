import type { LadderTrailers } from '../promotion/trailers.js';

/** One commit of an environment branch's history, newest first, with its Ladder trailers when it has them. */
export interface HistoryEntry {
  sha: string;
  trailers?: LadderTrailers;
}

/** A Ladder commit of one service: a version the environment ran or was meant to run. */
export interface LadderVersionEntry {
  sha: string;
  trailers: LadderTrailers;
}

/** The service's Ladder commits in `history` (other services may share the manifest repository). */
export function versionsOf(history: readonly HistoryEntry[], service: string): LadderVersionEntry[] {
  return history.flatMap((entry) => (entry.trailers && entry.trailers.service === service ? [{ sha: entry.sha, trailers: entry.trailers }] : []));
}

/**
 * Versions a rollback may go back to, best first. The newest version is the
 * current one; going down the history:
 * - a version with the current source is no change, so it is skipped;
 * - a version listed in a newer commit's `Ladder-Supersedes` never stood
 *   on its own (a newer render replaced it before merge), so it is skipped;
 * - a rollback to source X means everything between it and X was undone:
 *   those versions are skipped, so rolling back twice goes further back
 *   instead of returning to the version the first rollback left;
 * - each source appears once, at its newest commit.
 */
export function rollbackCandidates(history: readonly HistoryEntry[], service: string): LadderVersionEntry[] {
  const versions = versionsOf(history, service);
  const current = versions[0];
  if (!current) return [];
  const superseded = new Set<string>(current.trailers.supersedes ?? []);
  const seen = new Set<string>([current.trailers.sourceSha]);
  // While set, versions are skipped until the one with this source (what a rollback restored).
  let undoneUntil = current.trailers.kind === 'rollback' ? current.trailers.sourceSha : undefined;
  const candidates: LadderVersionEntry[] = [];
  for (const version of versions.slice(1)) {
    const source = version.trailers.sourceSha;
    if (undoneUntil !== undefined) {
      if (source !== undoneUntil) continue;
      undoneUntil = undefined;
    }
    for (const sha of version.trailers.supersedes ?? []) superseded.add(sha);
    if (version.trailers.kind === 'rollback') undoneUntil = source;
    if (seen.has(source) || superseded.has(source)) continue;
    seen.add(source);
    candidates.push(version);
  }
  return candidates;
}

/**
 * The version `/ladder rollback <env> to <sha>` names: a manifest commit of
 * the history (matched on its sha) or a code commit (matched on the
 * `Ladder-Source` sha), full or abbreviated. Manifest commits win: the
 * person pointed at an exact state. Undefined when nothing in the history
 * matches, or when the abbreviation matches more than one version.
 */
export function findVersion(
  history: readonly HistoryEntry[],
  service: string,
  sha: string,
): { match: 'manifest' | 'code'; version: LadderVersionEntry; index: number } | { ambiguous: string[] } | undefined {
  const prefix = sha.toLowerCase();
  const manifestIndex = history.findIndex((entry) => entry.sha.startsWith(prefix));
  if (manifestIndex >= 0) {
    // The commit may be a merge without trailers: the version is the first Ladder commit at or below it.
    const below = history.slice(manifestIndex).find((entry) => entry.trailers?.service === service);
    if (below?.trailers) return { match: 'manifest', version: { sha: history[manifestIndex]!.sha, trailers: below.trailers }, index: manifestIndex };
    return undefined;
  }
  const matches = versionsOf(history, service).filter((v) => v.trailers.sourceSha.startsWith(prefix));
  const sources = [...new Set(matches.map((v) => v.trailers.sourceSha))];
  if (sources.length > 1) return { ambiguous: sources };
  const first = matches[0];
  if (!first) return undefined;
  return { match: 'code', version: first, index: history.findIndex((entry) => entry.sha === first.sha) };
}
