/** Which proxy a request to an origin goes through, from the resolved settings (NO_PROXY included). */
import type { ProxySettings } from './transport-options.ts';

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * The NO_PROXY rules undici's EnvHttpProxyAgent applies, for reporting: `*` bypasses everything,
 * `host` and `host:port` match exactly, `.example.com` / `*.example.com` match subdomains and a bare
 * `example.com` its subdomains too.
 */
export function bypassesProxy(noProxy: string, origin: URL): boolean {
  const host = origin.hostname.replace(/^\[(.+)\]$/, '$1').toLowerCase();
  const port = Number(origin.port) || DEFAULT_PORTS[origin.protocol] || 0;
  for (const raw of noProxy.split(/[,\s]/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (match === null) continue;
    const name = (match[1] as string).replace(/^\[(.+)\]$/, '$1');
    if (match[2] !== undefined && Number(match[2]) !== port) continue;
    if (name === '*') return true;
    const bare = name.replace(/^\*?\./, '');
    if (!name.startsWith('*') && !name.startsWith('.') && host === bare) return true;
    if (host.endsWith(`.${bare}`)) return true;
  }
  return false;
}

/** The proxy URL a request to `origin` uses, or null when it goes direct. */
export function proxyFor(proxy: ProxySettings | null, origin: string): string | null {
  if (proxy === null) return null;
  const url = new URL(origin);
  if (proxy.source === 'env' && bypassesProxy(proxy.noProxy, url)) return null;
  return url.protocol === 'https:' ? (proxy.https ?? proxy.http) : proxy.http;
}
