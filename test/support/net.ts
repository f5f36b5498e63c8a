import { request, type IncomingHttpHeaders, type Server } from 'node:http';
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

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request on its own connection (no agent, no keep-alive), from `from` (a loopback
 * address: Linux routes all of 127/8 to lo), with the headers and body exactly as given.
 */
export function sendRaw(url: string, options: { method: string; headers: Record<string, string>; body?: string | Buffer | undefined; from: string }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, localAddress: options.from, agent: false, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
