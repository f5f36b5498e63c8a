import { createServer } from 'node:net';

/**
 * A TCP port free on 127.0.0.1 right now (the caller binds it soon after; retry on EADDRINUSE).
 * Shared by the scripts that start throwaway servers (PostgreSQL, Moodle) and by the tests.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
