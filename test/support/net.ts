import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A TCP port free on 127.0.0.1 right now (scripts/net.ts, shared with the scripts). */
export { freePort } from '../../scripts/net.js';

/** An Express app served on a free loopback port, until `close()`. */
export async function serveOnLoopback(app: { listen(port: number, host: string): Server }): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
