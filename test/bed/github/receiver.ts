import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The raw body exactly as received: signatures are computed over these bytes. */
  body: string;
  event: string;
  deliveryId: string;
  payload: Record<string, unknown>;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Resolves with the first delivery (already received or still to come) matching the predicate. */
  waitFor(predicate: (hook: ReceivedWebhook) => boolean, timeoutMs?: number): Promise<ReceivedWebhook>;
  close(): Promise<void>;
}

/** A stand-in for an App's webhook endpoint that records what GitHub would have delivered. */
export async function startWebhookReceiver(status = 200): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters: { predicate: (hook: ReceivedWebhook) => boolean; resolve: (hook: ReceivedWebhook) => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const hook: ReceivedWebhook = {
        headers: req.headers,
        body,
        event: String(req.headers['x-github-event'] ?? ''),
        deliveryId: String(req.headers['x-github-delivery'] ?? ''),
        payload: JSON.parse(body) as Record<string, unknown>,
      };
      received.push(hook);
      for (const waiter of waiters.filter((w) => w.predicate(hook))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(hook);
      }
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/github/webhooks`,
    received,
    waitFor(predicate, timeoutMs = 30_000) {
      const already = received.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (hook: ReceivedWebhook) => (clearTimeout(timer), resolve(hook)) };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no matching webhook within ${timeoutMs} ms; got: ${received.map((h) => h.event).join(', ') || 'nothing'}`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
