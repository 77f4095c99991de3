/** The few cookie rules both sides of a Dify console session need (RFC 6265 name=value pairs). */

/**
 * A cookie value as sent, percent-decoded when it is valid percent-encoding. RFC 6265 gives the
 * value no encoding at all, so a stray `%` (`a%zz`) is a legal value and must not throw a URIError.
 */
function decodeValue(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** `name=value` pairs (a Cookie header's `; `-separated list, or each Set-Cookie's first part). */
function addPair(cookies: Record<string, string>, pair: string): void {
  const eq = pair.indexOf('=');
  if (eq <= 0) return;
  cookies[pair.slice(0, eq).trim()] = decodeValue(pair.slice(eq + 1).trim());
}

/** `a=1; b=2` (a request's Cookie header) → {a: '1', b: '2'}. */
export function parseCookieHeader(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  for (const pair of (header ?? '').split(';')) addPair(cookies, pair);
  return cookies;
}

/** Set-Cookie header values → {name: value}; attributes (Path, HttpOnly…) are dropped. */
export function parseSetCookies(values: string | readonly string[] | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null);
  for (const line of typeof values === 'string' ? [values] : (values ?? []))
    addPair(cookies, line.split(';')[0] ?? '');
  return cookies;
}

/** {a: '1'} → `a=1` for a Cookie header. */
export function cookieHeader(cookies: Readonly<Record<string, string>>): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('; ');
}
