import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Whether the App can do its job, for the kubelet's probes. Ready means its
 * credentials were accepted by GitHub once (a wrong key or App id never gets
 * ready, so a bad rollout stops before it replaces working pods) and it is not
 * shutting down (so the Service stops sending webhooks to a pod that is leaving).
 * Ready is not lost when GitHub later fails for a while: every replica would
 * drop out at once, and GitHub delivers nothing then anyway.
 */
export class AppReadiness {
  private reason: string | undefined = 'the App has not authenticated with GitHub yet';
  private stopping = false;
  private readonly starting = new Set<string>();

  /** Not ready while `work` runs (start-up work the first webhooks would otherwise wait on); ready after it, failed or not. */
  startingUp(what: string, work: Promise<unknown>): void {
    this.starting.add(what);
    void work.then(
      () => this.starting.delete(what),
      () => this.starting.delete(what),
    );
  }

  /** GitHub accepted the App's credentials. */
  authenticated(): void {
    this.reason = undefined;
  }

  /** Why the App cannot be ready yet, e.g. GitHub refused its credentials. Ignored once ready. */
  waiting(reason: string): void {
    if (this.reason !== undefined) this.reason = reason;
  }

  shuttingDown(): void {
    this.stopping = true;
  }

  /** undefined when ready; otherwise why not, in words for `kubectl describe`. */
  notReadyBecause(): string | undefined {
    if (this.stopping) return 'shutting down';
    return this.reason ?? (this.starting.size > 0 ? [...this.starting].join(', ') : undefined);
  }
}

/**
 * Answers GET or HEAD /healthz and /readyz; returns false for any other
 * request, which is then someone else's (the webhook endpoint).
 * `/healthz` is 200 as long as the process answers at all.
 */
export function answerProbe(request: IncomingMessage, response: ServerResponse, readiness: AppReadiness): boolean {
  const path = (request.url ?? '/').split('?')[0];
  if (path !== '/healthz' && path !== '/readyz') return false;
  const send = (status: number, body: string) => {
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
    return true;
  }
  if (path === '/healthz') {
    send(200, 'ok\n');
    return true;
  }
  const reason = readiness.notReadyBecause();
  send(reason === undefined ? 200 : 503, reason === undefined ? 'ready\n' : `not ready: ${reason}\n`);
  return true;
}
