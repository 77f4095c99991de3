/** Maps transport failures and HTTP statuses to the error taxonomy (docs/metrics.md). */
import { CONNECTION_CAUSES } from '../metrics/failure-kind.ts';
import type { ErrorName } from '../metrics/names.ts';

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/**
 * The generator's own resources ran out (file descriptors, kernel memory for sockets): these
 * connection_errors say nothing about the server.
 */
const RESOURCE_CODES = new Set(['EMFILE', 'ENFILE', 'ENOMEM', 'ENOBUFS']);

/** The error's code when it is the generator's own resource exhaustion, else undefined. */
export function resourceExhaustion(error: Error): string | undefined {
  const code = errorCode(error);
  return RESOURCE_CODES.has(code) ? code : undefined;
}

export function errorCode(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return String(code ?? cause?.code ?? error.name);
}

/**
 * A transport error. Once a stream has delivered events, a broken connection means the stream
 * ended before its terminal event (`early_termination`); before that it is a `connection_error`.
 */
export function classifyTransportError(error: Error, streamStarted: boolean): ErrorName {
  const code = errorCode(error);
  if (TIMEOUT_CODES.has(code)) return 'timeout';
  return streamStarted ? 'early_termination' : 'connection_error';
}

/** Media types are case-insensitive (RFC 9110 §8.3.1): `Text/Event-Stream; charset=utf-8` is one. */
export function isEventStreamType(contentType: string): boolean {
  return contentType.trimStart().slice(0, 17).toLowerCase() === 'text/event-stream';
}

export function classifyStatus(status: number): ErrorName | undefined {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'http_5xx';
  if (status >= 400) return 'http_4xx';
  if (status < 200 || status >= 300) return 'invalid_response';
  return undefined;
}

/** Transport codes by the cause they name (failure-kind.ts): refused and reset are told apart. */
const CAUSE_OF_CODE: ReadonlyMap<string, string> = new Map([
  ['ECONNREFUSED', CONNECTION_CAUSES.refused],
  ['ECONNRESET', CONNECTION_CAUSES.reset],
  ['EPIPE', CONNECTION_CAUSES.reset],
  ['UND_ERR_SOCKET', CONNECTION_CAUSES.closed],
  ['ENOTFOUND', CONNECTION_CAUSES.dns],
  ['EAI_AGAIN', CONNECTION_CAUSES.dns],
]);

export function describeTransportError(error: Error): string {
  const code = errorCode(error);
  const text =
    code === error.message || error.message.includes(code) ? error.message : `${code}: ${error.message}`;
  const cause = CAUSE_OF_CODE.get(code);
  return cause === undefined ? text : `${cause} (${text})`;
}

/**
 * The response's `Content-Encoding` when it is a real coding (gzip, br, deflate, zstd…), else
 * undefined. Requests ask for `identity`; a server that compresses anyway would be parsed as
 * garbage and miscounted as a stream without events.
 */
export function contentEncoding(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = String(header).trim().toLowerCase();
  return value === '' || value === 'identity' ? undefined : value;
}

/** What to do about a compressed answer (the request asked for `Accept-Encoding: identity`). */
export const COMPRESSED_HINT =
  'streamload parses streams as they arrive and does not decompress them; turn compression off for this path (text/event-stream) at the server or gateway';
