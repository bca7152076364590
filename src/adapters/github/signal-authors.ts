/**
 * Whose check runs, commit statuses and deployments count (issue #11: only
 * Ladder's own signals gate a merge or a promotion). The port's reads of
 * signals filter by these authors, so no caller can forget to: a `success`
 * written by anyone else (a developer's token, another App, a CI job) is
 * simply not seen.
 */
export interface SignalAuthors {
  /** The App itself: its id (check runs name their App) and its bot login (statuses and deployments name a user). */
  app(): Promise<{ id: number; login: string }>;
  /** Logins besides the App's bot whose deployments count: an agent that reports with a token of its own. */
  readonly agentLogins: readonly string[];
}

/** For clients that never read signals (the agent): any read fails instead of trusting everyone. */
export const noSignalAuthors: SignalAuthors = {
  app: () => Promise.reject(new Error('this GitHub client reads no check runs, statuses or deployments: it has no trusted author for them')),
  agentLogins: [],
};

/** One request for the App's identity, however many reads ask; a failure is not kept, so the next read asks again. */
export function memoisedAppIdentity(read: () => Promise<{ id: number; slug: string }>): () => Promise<{ id: number; login: string }> {
  let pending: Promise<{ id: number; login: string }> | undefined;
  return () => {
    pending ??= read().then(
      (app) => ({ id: app.id, login: `${app.slug}[bot]` }),
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

/** Whether a deployment or status by `login` counts. */
export async function isTrustedLogin(authors: SignalAuthors, login: string | undefined): Promise<boolean> {
  if (!login) return false;
  const lower = login.toLowerCase();
  if ((await authors.app()).login.toLowerCase() === lower) return true;
  return authors.agentLogins.some((agent) => agent.toLowerCase() === lower);
}

/**
 * The agent's: only what it writes itself counts (a takeover by another
 * replica must see the deployments the last leader reported). `login` says
 * who that is, asked once: the App's bot for a token the App handed out or
 * minted with its key, the token's user otherwise.
 */
export function selfAuthors(login: () => Promise<string>): SignalAuthors {
  let pending: Promise<{ id: number; login: string }> | undefined;
  return {
    app: () =>
      (pending ??= login().then(
        (name) => ({ id: 0, login: name }),
        (error: unknown) => {
          pending = undefined;
          throw error;
        },
      )),
    agentLogins: [],
  };
}
