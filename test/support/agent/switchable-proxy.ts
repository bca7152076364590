import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SwitchableProxy {
  /** http://127.0.0.1:<port>: the target's base URL, through the proxy. */
  url: string;
  /** While down, every connection is reset at once, as with a network outage. */
  setDown(down: boolean): void;
  /** Connections reset while down so far: each is an attempt to reach the target. */
  refused(): number;
  stop(): Promise<void>;
}

/** A TCP proxy in front of an HTTP server that a test can cut off and restore. */
export async function startSwitchableProxy(targetUrl: string): Promise<SwitchableProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let down = false;
  let refused = 0;
  const server = createServer((client) => {
    if (down) {
      refused++;
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname === '/' ? '' : target.pathname}`,
    setDown(value) {
      down = value;
      if (value) for (const socket of sockets) socket.resetAndDestroy();
    },
    refused: () => refused,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
