import { request } from 'node:http';

/**
 * A POST with exactly the headers given (fetch would set Content-Length
 * itself): sends them, and `body` if any, and resolves with the answer.
 * Without `end` the request stays open, as a client still uploading would.
 */
export function rawPost(url: string, headers: Record<string, string>, options: { body?: Buffer; end?: boolean } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: text.trim() }));
    });
    req.on('error', reject);
    if (options.body) req.write(options.body);
    if (options.end) req.end();
    else req.flushHeaders();
  });
}
