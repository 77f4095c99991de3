/**
 * The WebSocket side of `streamload master` / `streamload worker`: the master's listener hands
 * each connection to the coordinator; a worker dials the master, retrying while it is not up yet
 * (on Kubernetes the worker pods often start first).
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket, WebSocketServer } from 'ws';
import { listen } from '../util/http-server.ts';
import { createLink, type Link, type LinkOptions, webSocketTransport } from './link.ts';
import { MAX_MESSAGE_BYTES } from './protocol.ts';
import { awaitHello, isBrowserRequest } from './ws-auth.ts';

/** What takes the workers' connections (the coordinator): ws.ts knows only this of it. */
export interface LinkSink {
  addLink(link: Link): void;
}

export interface WorkerListener {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function listenForWorkers(
  coordinator: LinkSink,
  options: {
    readonly host: string;
    readonly port: number;
    /** The master token a worker's hello must carry; null: none (only allowed on loopback). */
    readonly token: string | null;
    readonly onRefused?: (from: string) => void;
    /** Connections still owing their hello, at most (default 256); more are cut at once. */
    readonly maxPending?: number;
  } & LinkOptions,
): Promise<WorkerListener> {
  // The shared listen helper (accept backlog, one-line port errors); a plain HTTP request gets
  // 426 Upgrade Required, as from a WebSocketServer that listens on its own.
  const http = createServer((_req, res) =>
    res.writeHead(426, { 'content-type': 'text/plain' }).end('Upgrade Required'),
  );
  const port = await listen(http, options.port, options.host);
  const server = new WebSocketServer({
    server: http,
    maxPayload: MAX_MESSAGE_BYTES,
    verifyClient: ({ req }, done) => done(!isBrowserRequest(req), 403, 'browsers may not join as workers'),
  });
  // Each unproven connection may hold 4 KiB for 5 s; a cap keeps a flood of them bounded too.
  const maxPending = options.maxPending ?? 256;
  let pending = 0;
  server.on('connection', (socket, request) => {
    const from = `${request.socket.remoteAddress ?? '?'}:${request.socket.remotePort ?? '?'}`;
    if (pending >= maxPending) {
      socket.terminate();
      options.onRefused?.(from);
      return;
    }
    pending++;
    void awaitHello(socket, request.socket, options.token).then((hello) => {
      pending--;
      if (hello === undefined) {
        options.onRefused?.(from);
        return;
      }
      coordinator.addLink(createLink(webSocketTransport(socket, hello), `worker from ${from}`, options));
    });
  });
  return {
    host: options.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => {
          http.closeAllConnections();
          http.close(() => resolve());
        });
      }),
  };
}

/** Dials ws://host:port, retrying every second for `retryForMs` (default 60 s). */
export async function connectToMaster(
  host: string,
  port: number,
  options: {
    readonly retryForMs?: number;
    readonly log?: (line: string) => void;
  } & LinkOptions = {},
): Promise<Link> {
  const deadline = performance.now() + (options.retryForMs ?? 60_000);
  const url = `ws://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  let lastError = '';
  for (let attempt = 1; ; attempt++) {
    const socket = new WebSocket(url, { handshakeTimeout: 5000, maxPayload: MAX_MESSAGE_BYTES });
    try {
      await Promise.race([
        once(socket, 'open'),
        once(socket, 'error').then(([err]) => {
          throw err;
        }),
      ]);
      return createLink(webSocketTransport(socket), `master ${host}:${port}`, options);
    } catch (err) {
      socket.terminate();
      lastError = err instanceof Error ? err.message : String(err);
      if (performance.now() >= deadline) {
        throw new Error(`cannot reach the master at ${url} after ${attempt} attempts: ${lastError}`);
      }
      if (attempt === 1) options.log?.(`master ${url} not reachable yet (${lastError}); retrying`);
      await sleep(1000);
    }
  }
}
