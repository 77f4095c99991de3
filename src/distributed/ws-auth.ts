/**
 * The master's door for WebSocket workers. Whoever connects gets nothing (no welcome, no heartbeat,
 * no config, no API key) until its first message is a valid hello carrying the master token; a
 * wrong or missing token, any other first message, silence, or more than PRE_HELLO_MAX_BYTES before
 * the hello closes the connection. Browsers (an `Origin` header) are refused at the handshake: a
 * web page must never be able to join as a worker.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { AUTH_REFUSED_CODE } from './link.ts';
import { parseMessage } from './protocol.ts';

/** A hello is ~200 bytes; anything past this before it is not a worker. */
export const PRE_HELLO_MAX_BYTES = 4 * 1024;
/** A worker sends its hello right after connecting. */
export const HELLO_TIMEOUT_MS = 5000;

/** Equal-time comparison whatever the lengths (hashing first hides the length too). */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** `verifyClient` of the worker listener: no browser may open a worker connection. */
export function isBrowserRequest(request: IncomingMessage): boolean {
  return request.headers.origin !== undefined || request.headers['sec-fetch-mode'] !== undefined;
}

/**
 * Waits for the first message of a fresh worker connection. Resolves with the hello's text once it
 * proves `token` (any hello when `token` is null: a loopback master without one), or undefined
 * after closing the connection.
 */
export function awaitHello(
  socket: WebSocket,
  raw: Duplex,
  token: string | null,
  options: { readonly timeoutMs?: number } = {},
): Promise<string | undefined> {
  return new Promise((resolve) => {
    let received = 0;
    let settled = false;
    const finish = (text: string | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      raw.off('data', count);
      socket.off('message', onMessage);
      resolve(text);
    };
    const refuse = (): void => {
      // A close frame with our code, no reason that helps a guesser; then the socket goes.
      if (socket.readyState === socket.OPEN) socket.close(AUTH_REFUSED_CODE, 'authentication failed');
      setTimeout(() => socket.terminate(), 1000).unref();
      finish(undefined);
    };
    // Raw bytes, counted before `ws` reassembles a message: a 1 GB frame is cut off at its first
    // chunk instead of being buffered up to maxPayload.
    const count = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > PRE_HELLO_MAX_BYTES) {
        socket.terminate();
        finish(undefined);
      }
    };
    const proves = (data: Buffer, isBinary: boolean): boolean => {
      try {
        const message = parseMessage(isBinary ? '' : data.toString());
        if (message.type !== 'hello') return false;
        return token === null || (message.token !== undefined && tokensEqual(message.token, token));
      } catch {
        return false;
      }
    };
    const onMessage = (data: Buffer, isBinary: boolean): void => {
      if (proves(data, isBinary)) finish(data.toString());
      else refuse();
    };
    const timer = setTimeout(refuse, options.timeoutMs ?? HELLO_TIMEOUT_MS);
    raw.on('data', count);
    socket.on('message', onMessage);
    socket.once('close', () => finish(undefined));
  });
}
