/** The one place a Bearer `Authorization` header is written (and, for the embedded targets, read). */
import type { IncomingMessage } from 'node:http';

/** `{ authorization: 'Bearer KEY' }`, or `{}` without a key: spread into a request's headers. */
export function bearerHeader(key: string | null | undefined): { authorization?: string } {
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** The Bearer token of a request (the scheme matched case-insensitively), or undefined. */
export function bearerToken(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header);
  return match?.[1]?.trim();
}
