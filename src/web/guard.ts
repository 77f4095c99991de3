/**
 * Request checks for the web UI: the Host allow-list on every request (so a rebinding DNS name cannot
 * reach it), authentication (when configured) and an allowed Origin on every state-changing request,
 * so a page on another site cannot start load through a user's browser.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { bearerToken } from '../util/bearer.ts';
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
    // The one Bearer reader (scheme in any case); the compare stays constant-time.
    const bearer = bearerToken(req);
    if (bearer !== undefined && safeEqual(bearer, options.token)) return true;
    const query = url.searchParams.get('token');
    if (query !== null && safeEqual(query, options.token)) return true;
  }
  if (options.auth !== null && header.startsWith('Basic ')) {
    const expected = `${options.auth.user}:${options.auth.pass}`;
    return safeEqual(Buffer.from(header.slice(6), 'base64').toString('utf8'), expected);
  }
  return false;
}

/** A host name and port as the allow-list compares them (`port` null: any port). */
interface HostEntry {
  readonly name: string;
  readonly port: number | null;
}

export interface HostGuard {
  /** The `Host` header names a host this UI serves (DNS rebinding: a foreign name is refused). */
  hostAllowed(host: string | undefined): boolean;
  /**
   * Cross-origin refusal for state-changing requests: a browser always sends `Origin` on a
   * cross-site POST, and it must name an allowed host, whatever the request's own `Host` says (a
   * rebinding page's Origin and Host agree). Requests without `Origin` (curl, scripts) pass.
   */
  originAllowed(req: IncomingMessage): boolean;
}

/** `name`, `name:port`, `[v6]`, `[v6]:port` → entry; the port defaults to `defaultPort`. */
function parseHost(text: string, defaultPort: number | null): HostEntry | undefined {
  const match = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(text.trim().toLowerCase());
  if (match === null || match[1] === '') return undefined;
  return { name: match[1] as string, port: match[2] === undefined ? defaultPort : Number(match[2]) };
}

/**
 * The hosts a UI listening on `bindHost:port` serves: the loopback names and the bind address at
 * that port, and each `--web-allowed-host` (at any port unless it names one, for a proxy in front).
 */
export function createHostGuard(options: Pick<WebOptions, 'host' | 'allowedHosts'>, port: number): HostGuard {
  const bind =
    options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  const listening = ['localhost', '127.0.0.1', '[::1]', bind.toLowerCase()].map((name) => ({ name, port }));
  const proxied = options.allowedHosts.flatMap((extra) => parseHost(extra, null) ?? []);
  const matches = (e: HostEntry, entry: HostEntry) =>
    e.name === entry.name && (e.port === null || e.port === entry.port);
  // The listening names speak plain HTTP; a proxy in front may add TLS.
  const allowed = (entry: HostEntry | undefined, scheme: 'http' | 'https'): boolean =>
    entry !== undefined &&
    ((scheme === 'http' && listening.some((e) => matches(e, entry))) ||
      proxied.some((e) => matches(e, entry)));
  return {
    hostAllowed(host) {
      return host !== undefined && allowed(parseHost(host, 80), 'http');
    },
    originAllowed(req) {
      if (req.headers['sec-fetch-site'] === 'cross-site') return false;
      const origin = req.headers.origin;
      if (origin === undefined) return true;
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        return false; // `null` (sandboxed frames, file:) and garbage
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
      const scheme = url.protocol === 'https:' ? 'https' : 'http';
      const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port);
      return allowed({ name: url.hostname.toLowerCase(), port }, scheme);
    },
  };
}
