/**
 * The one redaction every printed config goes through (console, run.json and the reports rendered
 * from it, the web UI's /api/view): URL userinfo, API keys, tokens, passwords and the values of
 * credential headers become `***`. A new secret-bearing option needs only a name matching
 * SECRET_KEY (or a header name matching SECRET_HEADER) to be covered everywhere.
 */

export const REDACTED = '***';

/** Config keys whose values are secrets: apiKey, token, masterToken, webToken, webAuth, password… */
const SECRET_KEY = /(api[-_]?key|token$|secret|password|passwd|auth$|credential|cookie)/i;
/** Header names whose values are credentials. */
const SECRET_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie)$|api[-_]?key|token|secret|auth/i;
/** Keys holding headers, as `Name: value` strings or a name → value map. */
const HEADER_KEYS = new Set(['header', 'headers']);
/** `scheme://userinfo@`: everything between `//` and the first `@` before any `/`, `?`, `#` or space. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/?#\s@]+@/gi;

/** Removes the userinfo (`user:pw@`) of every URL in `text`. */
export function redactUrl(text: string): string {
  return text.replace(URL_USERINFO, `$1${REDACTED}@`);
}

/** The value to print for header `name`. */
export function redactHeader(name: string, value: string): string {
  return SECRET_HEADER.test(name.trim()) ? REDACTED : redactUrl(value);
}

function redactHeaderLine(line: string): string {
  const colon = line.indexOf(':');
  if (colon <= 0) return redactUrl(line);
  return `${line.slice(0, colon)}: ${redactHeader(line.slice(0, colon), line.slice(colon + 1).trim())}`;
}

function redactHeaders(value: unknown): unknown {
  if (typeof value === 'string') return redactHeaderLine(value);
  if (Array.isArray(value)) return value.map(redactHeaders);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([name, v]) => [name, typeof v === 'string' ? redactHeader(name, v) : v]),
    );
  }
  return value;
}

/** A deep copy of `value` fit to print: secrets replaced by `***`, nulls and numbers kept. */
export function redactSecrets(value: unknown): unknown {
  if (typeof value === 'string') return redactUrl(value);
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (HEADER_KEYS.has(key)) out[key] = redactHeaders(v);
    else if (SECRET_KEY.test(key) && v !== null && v !== undefined && typeof v !== 'boolean')
      out[key] = REDACTED;
    else out[key] = redactSecrets(v);
  }
  return out;
}
