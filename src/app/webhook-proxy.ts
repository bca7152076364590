import type { Logger } from 'pino';

export interface WebhookProxy {
  close(): void;
}

/**
 * Receives the App's deliveries from a webhook proxy channel (a smee.io
 * channel the setup page created, WEBHOOK_PROXY_URL) and posts each to the
 * App's own webhook endpoint, as `probot run` does in development: GitHub
 * reaches an App that has no public address. The signature is checked by the
 * endpoint as for any delivery. smee-client is a development dependency.
 */
export async function forwardFromProxy(channel: string, target: string, log: Logger): Promise<WebhookProxy> {
  const { SmeeClient } = await import('smee-client');
  const proxyLog = log.child({ part: 'webhook-proxy' });
  // Whoever knows the channel's address can read the deliveries: it stays out of the logs.
  const hide = (text: string) => text.split(channel.replace(/\/+$/, '')).join('the WEBHOOK_PROXY_URL channel');
  const client = new SmeeClient({
    source: channel,
    target,
    logger: {
      info: (message: string) => proxyLog.info(hide(String(message))),
      error: (message: unknown) => proxyLog.error(hide(message instanceof Error ? `webhook proxy error: ${message.message}` : String(message))),
    } as never,
  });
  await client.start();
  log.info({ target }, 'forwarding deliveries from the webhook proxy channel in WEBHOOK_PROXY_URL');
  return { close: () => void client.stop() };
}

/** Whether smee-client can be loaded (`npm ci --omit=dev` leaves it out). */
export async function webhookProxyAvailable(): Promise<boolean> {
  try {
    await import('smee-client');
    return true;
  } catch {
    return false;
  }
}
