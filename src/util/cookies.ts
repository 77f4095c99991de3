/** The few cookie rules both sides of a Dify console session need (RFC 6265 name=value pairs). */

/** `a=1; b=2` (a request's Cookie header) → {a: '1', b: '2'}. */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    cookies[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return cookies;
}

/** Set-Cookie header values → {name: value}; attributes (Path, HttpOnly…) are dropped. */
export function parseSetCookies(values: string | readonly string[] | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const line of typeof values === 'string' ? [values] : (values ?? [])) {
    const first = line.split(';')[0] ?? '';
    const eq = first.indexOf('=');
    if (eq <= 0) continue;
    cookies[first.slice(0, eq).trim()] = decodeURIComponent(first.slice(eq + 1).trim());
  }
  return cookies;
}

/** {a: '1'} → `a=1` for a Cookie header. */
export function cookieHeader(cookies: Readonly<Record<string, string>>): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('; ');
}
