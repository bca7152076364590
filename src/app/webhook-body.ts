import type { IncomingMessage, ServerResponse } from 'node:http';

/** GitHub caps webhook payloads at 25 MB and delivers nothing larger. */
export const webhookBodyLimitBytes = 25 * 1024 * 1024;

/**
 * The webhook endpoint is public, and @octokit/webhooks reads a body whole
 * before it can check the signature: a 400 MB POST with a bogus signature
 * cost 4.4 GB of memory before it was refused. This handler runs ahead of
 * it (Probot's `addHandler`, which `createNodeMiddleware` runs first): a POST
 * that says it is larger than GitHub ever sends is answered 413 before any of
 * it is read; one without a length (chunked) is read up to the limit and
 * refused the moment it passes it. What it read is handed on as
 * `request.body`, which the webhooks middleware uses instead of reading the
 * stream again, so the signature is still checked on the exact bytes.
 * Answers true when it refused the request.
 */
export function bodyBudget(limitBytes = webhookBodyLimitBytes) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<boolean> => {
    if (request.method !== 'POST') return false;
    const refuse = (message: string) => {
      response.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(`${message}\n`);
      // Nothing more of this connection is read: the rest may be gigabytes on their way.
      request.socket.destroySoon();
      return true;
    };
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limitBytes) return refuse(`a webhook delivery is at most ${limitBytes} bytes; this one says ${declared}`);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limitBytes) return refuse(`a webhook delivery is at most ${limitBytes} bytes; this one sent more`);
      chunks.push(chunk);
    }
    (request as IncomingMessage & { body?: string }).body = Buffer.concat(chunks).toString('utf8');
    return false;
  };
}
