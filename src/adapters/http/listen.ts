import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  /** `http://host:port` as bound (an IPv6 address in brackets). */
  url: string;
  /** Where a process on this machine reaches it: a wildcard address becomes 127.0.0.1. */
  localUrl: string;
  port: number;
}

/** Binds `server` and says where it listens; a bind error (port taken, address unknown) rejects instead of being thrown later as an 'error' event. */
export async function listen(server: Server, port: number, host: string | undefined): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound, address, family } = server.address() as AddressInfo;
  const hostPart = (name: string) => (family === 'IPv6' ? `[${name}]` : name);
  const wildcard = address === '0.0.0.0' || address === '::';
  return {
    url: `http://${hostPart(address)}:${bound}`,
    localUrl: wildcard ? `http://127.0.0.1:${bound}` : `http://${hostPart(address)}:${bound}`,
    port: bound,
  };
}
