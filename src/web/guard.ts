/**
 * Request checks for the web UI: authentication (when configured) and same-origin for every
 * state-changing request, so a page on another site cannot start load through a user's browser.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { WebOptions } from './options.ts';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when the request may proceed: no auth configured, or basic/bearer/?token= matches. */
export function isAuthorized(req: IncomingMessage, url: URL, options: WebOptions): boolean {
  if (options.auth === null && options.token === null) return true;
  const header = req.headers.authorization ?? '';
  if (options.token !== null) {
    if (header.startsWith('Bearer ') && safeEqual(header.slice(7), options.token)) return true;
    const query = url.searchParams.get('token');
    if (query !== null && safeEqual(query, options.token)) return true;
  }
  if (options.auth !== null && header.startsWith('Basic ')) {
    const expected = `${options.auth.user}:${options.auth.pass}`;
    return safeEqual(Buffer.from(header.slice(6), 'base64').toString('utf8'), expected);
  }
  return false;
}

/**
 * Cross-origin refusal: a browser always sends `Origin` on a cross-site POST; it must be this
 * server's own (`http://<Host>`). Requests without `Origin` (curl, scripts) are not cross-site.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return origin === `http://${req.headers.host ?? ''}`;
}
