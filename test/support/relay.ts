import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP relay in front of the wiki that can be cut and restored: the wiki "goes down" and comes back. */
export async function relay(targetPort: number): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = (): Promise<void> => new Promise((resolve) => {
    server = createServer((socket) => {
      const upstream = connect(targetPort, '127.0.0.1');
      sockets.add(socket).add(upstream);
      socket.pipe(upstream).pipe(socket);
      const drop = (): void => { socket.destroy(); upstream.destroy(); sockets.delete(socket); sockets.delete(upstream); };
      socket.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    server.listen(port, '127.0.0.1', () => {
      const address = server?.address();
      port = typeof address === 'object' && address ? address.port : 0;
      resolve();
    });
  });
  await listen();
  return {
    port,
    cut: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server?.close(() => resolve());
    }),
    restore: listen,
  };
}
