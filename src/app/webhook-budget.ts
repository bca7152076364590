import type { IncomingMessage, ServerResponse } from 'node:http';

/** GitHub caps webhook payloads at 25 MB and delivers nothing larger. */
export const WEBHOOK_BODY_LIMIT_BYTES = 25 * 1024 * 1024;

/**
 * The webhook endpoint is public, and its body is read whole before the
 * signature can be checked: a POST must say its length (GitHub's deliveries
 * always do), and no more than GitHub ever sends. Answers 411 or 413 and
 * returns true when it refused; the body is then never read.
 */
export function refuseOversizedBody(request: IncomingMessage, response: ServerResponse, limitBytes = WEBHOOK_BODY_LIMIT_BYTES): boolean {
  if (request.method !== 'POST') return false;
  const header = request.headers['content-length'];
  const length = header === undefined ? Number.NaN : Number(header);
  const refuse = (status: number, message: string) => {
    response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(`${message}\n`);
    // Nothing more of this connection is read: the body may be a gigabyte on its way.
    request.socket.destroySoon();
    return true;
  };
  if (!Number.isSafeInteger(length) || length < 0) return refuse(411, 'a webhook delivery must have a Content-Length');
  if (length > limitBytes) return refuse(413, `a webhook delivery is at most ${limitBytes} bytes; this one says ${length}`);
  return false;
}
