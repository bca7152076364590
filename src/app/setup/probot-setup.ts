import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

/** A request handler of Probot's server: true when it answered the request. */
export type ProbotHandler = (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;

export interface ProbotSetupOptions {
  host: string;
  port: number;
  log: Logger;
  /** Probot's flow creates a smee.io channel with it when no webhook URL is given. */
  SmeeClient?: { createChannel(): Promise<string | undefined> };
}

type SetupAppFactory = (options: ProbotSetupOptions) => () => Promise<ProbotHandler>;

/**
 * Probot's own setup flow, the one `probot run` serves without credentials:
 * it exchanges GitHub's one-time code for the new App's credentials
 * (`POST /app-manifests/{code}/conversions`), writes them to `.env` and
 * redirects to the installation page (GET /probot/setup); it saves an
 * existing App's credentials (POST /probot/import); it creates a smee.io
 * channel when there is no webhook URL. Probot exports only `run`, which
 * serves its setup pages with no room for Ladder's, so the factory is loaded
 * from its module file; a Probot without it fails here, by name, and in the
 * tests. It reads GH_ORG, GHE_HOST, GHE_PROTOCOL and WEBHOOK_PROXY_URL from
 * `process.env`, not from options.
 */
export async function loadProbotSetup(): Promise<SetupAppFactory> {
  const file = new URL('./apps/setup.js', import.meta.resolve('probot'));
  let module: { setupAppFactory?: unknown };
  try {
    module = (await import(file.href)) as { setupAppFactory?: unknown };
  } catch (error) {
    throw new Error(`Probot's setup flow is not at ${file.pathname} (${(error as Error).message}); Ladder is built and tested with Probot 14`);
  }
  if (typeof module.setupAppFactory !== 'function') throw new Error(`Probot's ${file.pathname} has no setupAppFactory; Ladder is built and tested with Probot 14`);
  return module.setupAppFactory as SetupAppFactory;
}
