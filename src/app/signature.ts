import type { Probot } from 'probot';

/**
 * A webhook whose signature does not match is an unauthenticated request:
 * answer 401, not the 400 @octokit/webhooks gives it (it sets `status` on the
 * error and hands it to error handlers synchronously, before its middleware
 * reads the status back). Works with `probot run` and `createNodeMiddleware`.
 */
export function refuseBadSignaturesWith401(app: Probot): void {
  app.onError((error) => {
    for (const inner of (error as { errors?: Iterable<unknown> }).errors ?? []) {
      if (inner instanceof Error && /signature does not match/i.test(inner.message)) (inner as Error & { status?: number }).status = 401;
    }
  });
}
