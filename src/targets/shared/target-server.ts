/**
 * The HTTP server both embedded targets run on: keep-alive like the real services, a handler whose
 * failures become the target's own error shape, and a close that does not wait for idle clients.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listen } from '../../util/http-server.ts';

export interface TargetServer {
  readonly url: string;
  readonly port: number;
  /** Destroys open connections (streams included), then stops listening. */
  close(): Promise<void>;
}

export async function serveTarget(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  onFailure: (res: ServerResponse, error: unknown) => void,
  where: { readonly port: number; readonly host: string },
): Promise<TargetServer> {
  const sockets = new Set<Socket>();
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) onFailure(res, error);
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  const port = await listen(server, where.port, where.host);
  return {
    url: `http://${where.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
