/** Small HTTP server helpers shared by the embedded targets and the web UI: bounded body reading, JSON replies, event streams. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { OperationalError } from './operational-error.ts';

export class BodyTooLargeError extends Error {}

/** Reads the request body as text, refusing more than `limit` bytes (the caller answers 413). */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`body over ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function startEventStream(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  // Headers go out at once, so TTFB measures the server, not the first event.
  res.flushHeaders();
}

/** Parses JSON text into an object, or undefined when it is not a JSON object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolves once the server listens; returns the bound port. The accept backlog is 4096 (Node's
 * default is 511): a load test opens thousands of connections at once, and a full SYN queue would
 * show up as second-long connect retries in the client's numbers.
 */
export function listen(server: import('node:net').Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => reject(listenError(error, host, port));
    server.once('error', fail);
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', fail);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/** A failed listen as one line a user can act on (a port in use, a privileged port, a foreign address). */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const reasons: Record<string, string> = {
    EADDRINUSE: 'the port is in use (choose another port, or stop what listens there)',
    EACCES: 'permission denied (ports below 1024 need privileges)',
    EADDRNOTAVAIL: 'no interface of this machine has that address',
    ENOTFOUND: 'unknown host name',
  };
  const reason = reasons[error.code ?? ''];
  if (reason === undefined) return error;
  return new OperationalError(`cannot listen on ${host}:${port}: ${reason} (${error.code})`, {
    cause: error,
  });
}
