// Request decoding the way Slack's edge does it: JSON bodies, form bodies and
// query strings all feed the same parameters; a token in a JSON body is
// ignored because Slack only reads it from the Authorization header there.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Slack refuses request bodies past a few MB; a test bed never needs more. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface DecodedRequest {
  params: Record<string, unknown>;
  kind: 'json' | 'form' | 'none';
  /** Bearer token from the header, else `token` from a form body or the query. */
  token?: string;
  /** A JSON body without `charset=utf-8`: Slack answers but adds a `missing_charset` warning. */
  missingCharset: boolean;
  /** `invalid_json` or `json_not_object` when a JSON body could not be used. */
  error?: string;
}

export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function decodeRequest(request: IncomingMessage, body: string, url: URL): DecodedRequest {
  const contentType = request.headers['content-type'] ?? '';
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const decoded: DecodedRequest = { params, kind: 'none', missingCharset: false };
  const header = request.headers.authorization;
  const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (contentType.startsWith('application/json')) {
    decoded.kind = 'json';
    decoded.missingCharset = !/charset=utf-8/i.test(contentType);
    const parsed = parseJson(body);
    if (parsed === undefined) decoded.error = 'invalid_json';
    else if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) decoded.error = 'json_not_object';
    else Object.assign(params, parsed);
    delete params.token;
  } else if (body.length > 0) {
    decoded.kind = 'form';
    Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
  }
  const token = bearer ?? (typeof params.token === 'string' ? params.token : undefined);
  if (token !== undefined) decoded.token = token;
  // A malformed Authorization header is a token Slack cannot accept, not a missing one.
  if (header !== undefined && bearer === undefined) decoded.token = header;
  return decoded;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

export function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
