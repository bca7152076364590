import { request } from 'node:https';

export interface TlsClient {
  ca: string;
  cert: string;
  key: string;
}

export interface HttpResult {
  status: number;
  body: string;
}

/** One HTTPS GET with a client certificate; used before any KubeConfig exists. */
export function getWithClientCert(url: string, tls: TlsClient, timeoutMs = 2_000): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...tls, method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs}ms`)));
    req.on('error', reject);
    req.end();
  });
}

const POLL_MS = 100;

/**
 * Polls until every URL answers 200, in order. `/readyz` covers etcd, the RBAC
 * bootstrap roles and the other post-start hooks; the `default` namespace is
 * created by a controller shortly after, and tests expect it. Rejects with the
 * last answer seen when `deadline` (epoch ms) passes or `abort` fires.
 */
export async function waitUntilReady(urls: string[], tls: TlsClient, deadline: number, abort: AbortSignal): Promise<void> {
  for (const url of urls) {
    let last = 'no answer yet';
    for (;;) {
      abort.throwIfAborted();
      try {
        const result = await getWithClientCert(url, tls);
        if (result.status === 200) break;
        last = `HTTP ${result.status}: ${result.body.trim().split('\n').filter((l) => l.includes('failed')).join('; ') || result.body.slice(0, 300)}`;
      } catch (error) {
        last = (error as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`${url} not ready in time; last answer: ${last}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
