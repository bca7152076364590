import { codeSpan } from './markdown.js';

/**
 * The words Ladder answers commands with. Replies are short, name the
 * people and environments involved, and link to what changed.
 */

/** Who may run commands for an environment: access to the manifest repository, then the `commenters` lists when there are any. */
export interface CommenterPolicy {
  /** `owner/name` of the manifest repository, where commands are permission-checked. */
  repo: string;
  users: readonly string[];
  teams: readonly string[];
  /** Whether the environment restricts commenters at all. */
  restricted: boolean;
  /** The access the command needs there: write to change an environment, read to show it. */
  access?: 'write' | 'read';
}

/** "@ana, I can't run …": says why, and who can. */
export function refusalReply(
  login: string,
  command: string,
  environment: string | undefined,
  policy: CommenterPolicy,
  reason: 'no-write-access' | 'no-read-access' | 'not-a-commenter',
): string {
  const scope = environment ? ` for \`${environment}\`` : '';
  const access = policy.access ?? 'write';
  // In code spans: anyone, even without access, can provoke this reply, and a bare @name would notify those people every time.
  const allowed = [...policy.users.map((u) => `\`@${u}\``), ...policy.teams.map((t) => `a member of \`@${t}\``)];
  // The commenter lists live in the manifest repository's services.yml: only someone with access to it (refused as not a
  // commenter) may read them here; anyone else, a fork's author on a public code repository, learns only that lists exist.
  const rule = !policy.restricted
    ? `Commands${scope} need ${access} access to \`${policy.repo}\`.`
    : reason !== 'not-a-commenter'
      ? `Commands${scope} need ${access} access to \`${policy.repo}\` and being one of the environment's \`commenters\`.`
      : allowed.length > 0
        ? `Commands${scope} need ${access} access to \`${policy.repo}\` and being ${joinOr(allowed)}.`
        : `Commands${scope} are limited to the environment's \`commenters\`, and that list is empty.`;
  const because =
    reason === 'no-write-access'
      ? `you do not have write access to \`${policy.repo}\``
      : reason === 'no-read-access'
        ? `you do not have read access to \`${policy.repo}\``
        : `you are not one of \`${environment}\`'s commenters`;
  return `Sorry @${login}, I did not run ${codeSpan(command)}: ${because}. ${rule} Nothing was changed.`;
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export function lockedReply(environment: string, by: string, reason: string): string {
  return `🔒 Locked \`${environment}\` (${by}: ${codeSpan(reason)}). Promotions to it are held by the \`ladder/lock\` status until \`/ladder unlock ${environment}\`.`;
}

export function alreadyLockedReply(environment: string, by: string, reason: string): string {
  return `\`${environment}\` is already locked by @${by}: ${codeSpan(reason)}. The lock is unchanged; \`/ladder unlock ${environment}\` releases it.`;
}

export function unlockedReply(environment: string, previous: { by: string; reason: string } | undefined): string {
  if (!previous) return `\`${environment}\` was not locked; nothing to do.`;
  return `🔓 Unlocked \`${environment}\` (was locked by @${previous.by}: ${codeSpan(previous.reason)}).`;
}

/** GitHub refuses comments over 65536 characters; keep a margin for the wrapper text. */
export const commentLimit = 65536;

/**
 * Cuts `text` to at most `limit` characters at a line break, saying how
 * much was left out, so a long diff still makes a valid comment.
 */
export function truncateForComment(text: string, limit: number, more = 'truncated; run `ladder diff` locally for the rest'): string {
  if (text.length <= limit) return text;
  const note = `\n… (${more})`;
  const room = Math.max(limit - note.length, 0);
  const cut = text.lastIndexOf('\n', room);
  return `${text.slice(0, cut > 0 ? cut : room)}${note}`;
}

/**
 * Joins reply sections into as few comments as fit GitHub's limit, in
 * order; a single section longer than the limit is truncated.
 */
export function packReplies(sections: readonly string[], limit = commentLimit): string[] {
  const comments: string[] = [];
  let current = '';
  for (const raw of sections) {
    const section = truncateForComment(raw, limit);
    const joined = current ? `${current}\n\n---\n\n${section}` : section;
    if (joined.length <= limit) current = joined;
    else {
      comments.push(current);
      current = section;
    }
  }
  if (current) comments.push(current);
  return comments;
}
