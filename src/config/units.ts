/**
 * Every value parser in one place (durations, counts, rates, ports, URLs), shared by flags, config
 * files, env, the web form, scenario specs and the targets' own CLIs. The option-taking parsers return
 * a commander-style `(text) => value` that throws a UsageError naming the option.
 */
import { UsageError } from '../errors.ts';
import { MAX_DURATION_MS, MAX_USERS } from './limits.ts';
import { redactUrl } from './redact.ts';

/**
 * A value that cannot be read. The message says what was expected and never names the option:
 * the caller knows where the value came from (flag, file:line, env name, form field) and adds it.
 */
export class ValueError extends Error {}

/** Durations (one parser for flags, files and specs): `500ms`, `30s`, `5m`, `1h`, `1m30s`, or plain seconds. Returns milliseconds. */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = trimmed;
  while (rest.length > 0) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
    if (match === null) return undefined;
    total += Number(match[1]) * (units[match[2] as string] as number);
    rest = rest.slice(match[0].length);
  }
  return trimmed.length > 0 ? total : undefined;
}

export function nonNegativeNumber(option: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
      throw new UsageError(`${option}: expected a number ≥ 0, got "${text}"`);
    }
    return value;
  };
}

/** A whole number `min`..`max` written as digits only (no sign, exponent or fraction). */
export function integerIn(
  option: string,
  min: number,
  max: number,
  what = `an integer ${min}-${max}`,
): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min || value > max)
      throw new UsageError(`${option}: expected ${what}, got "${text}"`);
    return value;
  };
}

export function positiveInteger(option: string): (text: string) => number {
  return integerIn(option, 1, Number.POSITIVE_INFINITY, 'an integer ≥ 1');
}

export function nonNegativeInteger(option: string): (text: string) => number {
  return integerIn(option, 0, Number.POSITIVE_INFINITY, 'an integer ≥ 0');
}

/** A TCP port `min`..65535: 0 (the default minimum) asks the OS for a free one when listening. */
export function port(option: string, min = 0): (text: string) => number {
  return integerIn(option, min, 65535, `a port ${min}-65535`);
}

export function probability(option: string): (text: string) => number {
  return (text) => {
    try {
      return parseShare(text);
    } catch (error) {
      if (error instanceof ValueError) throw new UsageError(`${option}: ${error.message}`);
      throw error;
    }
  };
}

/** A share: a number 0..1 or a percentage (`1%`); config files may give it as a number. */
export function parseShare(raw: unknown): number {
  const text = parseText(raw).trim();
  const value = Number(text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : text);
  if (text === '' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new ValueError(`expected a rate 0..1 or a percentage, got "${text}"`);
  return value;
}

export function duration(option: string): (text: string) => number {
  return (text) => {
    const ms = parseDurationMs(text);
    if (ms === undefined)
      throw new UsageError(`${option}: expected a duration like 30s, 5m or 500ms, got "${text}"`);
    return ms;
  };
}

// ---------------------------------------------------------------------------------------------
// Raw values (a CLI string, a config-file value, an env string, a form field, a scenario field)
// → typed ones. Pure: each throws a ValueError saying what was expected.

export function parseText(raw: unknown): string {
  if (typeof raw !== 'string' && typeof raw !== 'number') throw new ValueError('expected a string');
  return String(raw);
}

/** A number ≥ min (an integer when asked), at most max; config files may give it as a number. */
export function parseNumber(
  raw: unknown,
  min: number,
  integer = false,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = typeof raw === 'number' ? raw : Number(parseText(raw));
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new ValueError(`expected ${integer ? 'an integer' : 'a number'} ≥ ${min}, got "${String(raw)}"`);
  }
  if (value > max) throw new ValueError(`at most ${max.toLocaleString('en-US')}, got "${String(raw)}"`);
  return value;
}

/** Milliseconds; longer than MAX_DURATION_MS is refused (Node timers overflow past 2^31 ms). */
function withinDurationLimit(ms: number | undefined, raw: unknown): number | undefined {
  if (ms !== undefined && ms > MAX_DURATION_MS)
    throw new ValueError(`at most ${MAX_DURATION_MS / 3_600_000}h (7 days), got "${String(raw)}"`);
  return ms;
}

/** A positive duration in milliseconds: `30s`, `5m`, `500ms`; a bare number (config files) is seconds. */
export function parseDuration(raw: unknown): number {
  const ms = withinDurationLimit(typeof raw === 'number' ? raw * 1000 : parseDurationMs(parseText(raw)), raw);
  if (ms === undefined || ms <= 0)
    throw new ValueError(`expected a duration like 30s, 5m or 500ms, got "${String(raw)}"`);
  return ms;
}

/** Milliseconds as a user writes them back (`30s`, `1.5s`, `250ms`): what the web form shows. */
export function formatDuration(ms: number): string {
  return ms % 1000 === 0 || ms >= 1000 ? `${ms / 1000}s` : `${ms}ms`;
}

export function parseOneOf<const V extends readonly string[]>(values: V, raw: unknown): V[number] {
  const value = parseText(raw);
  if (!values.includes(value)) throw new ValueError(`expected one of ${values.join(', ')}, got "${value}"`);
  return value;
}

/** A switch: given alone (`--insecure`, `STREAMLOAD_INSECURE=` ), `true` or `1`. */
export function parseBool(raw: unknown): boolean {
  return raw === true || raw === 'true' || raw === '1' || raw === '';
}

/** An http(s) URL without credentials, trailing slashes removed. */
export function parseHttpUrl(raw: unknown): string {
  const value = parseText(raw);
  // Never echo the value as given: it may carry a password.
  const shown = redactUrl(value);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ValueError(`expected an http(s) URL, got "${shown}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ValueError(`expected an http(s) URL, got "${shown}"`);
  // Refused rather than sent as Basic auth: a URL is printed in the console, run.json and every
  // report, and one in a shell history or `ps` is already a leak. Credentials go in headers.
  if (parsed.username !== '' || parsed.password !== '')
    throw new ValueError(
      `credentials in the URL ("${shown}") are refused; send them with --api-key-file FILE or STREAMLOAD_API_KEY (Bearer), or --header 'Authorization: Basic …'`,
    );
  // Requests are `origin + path`: undici takes an origin only, so a path or query here would pass
  // the preflight (one whole URL) and fail every request of the run.
  if (parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== '')
    throw new ValueError(
      `expected an origin like http://host:port, got "${shown}": the path and query of every request come from the protocol or --path (e.g. --path '${parsed.pathname === '/' ? '' : parsed.pathname.replace(/\/+$/, '')}/v1/chat/completions${parsed.search}')`,
    );
  return value.replace(/\/+$/, '');
}

/** A proxy URL (credentials allowed in it); `false`/`none` (config file, env) = ignore the environment. */
export function parseProxyUrl(raw: unknown): string | false {
  if (raw === false || raw === 'false' || raw === 'none') return false;
  const given = parseText(raw).trim();
  // `proxy:3128` without a scheme means http, as curl reads it (URL would take `proxy:` as a scheme).
  const value = /^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : `http://${given}`;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ValueError(`expected a proxy URL like http://user:pass@proxy:3128, got "${redactUrl(given)}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new ValueError(`expected an http(s) proxy URL, got "${parsed.protocol}"`);
  if (parsed.hostname === '') throw new ValueError(`expected a proxy host, got "${redactUrl(given)}"`);
  return value;
}

/** A JSON object, as text (flags, env) or already an object (config files). */
export function parseJsonObject(raw: unknown): Record<string, unknown> {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return raw as Record<string, unknown>;
  try {
    const value: unknown = JSON.parse(parseText(raw));
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ValueError(`expected a JSON object, got ${JSON.stringify(raw)}`);
}

/**
 * Think time: `1s-3s` (uniform in the range), `2s` (fixed) or `0` → [minMs, maxMs]. The run's
 * `--wait` and a scenario's `wait` both come here, so a bad one is refused, never read as 0.
 */
export function parseWait(raw: unknown): [number, number] {
  const value = String(raw).trim();
  const parts = value.split('-');
  const ms = parts.map((p) => (p.trim() === '0' ? 0 : withinDurationLimit(parseDurationMs(p), raw)));
  if (ms.length > 2 || ms.some((m) => m === undefined))
    throw new ValueError(`expected a wait like 1s or 500ms-2s, got "${value}"`);
  const [min, max] = [ms[0] as number, (ms[1] ?? ms[0]) as number];
  if (max < min) throw new ValueError(`wait range "${value}" has max below min`);
  return [min, max];
}

/** One step of `--stages`. */
export interface Stage {
  readonly durationS: number;
  /** Users (closed model) or arrivals per second (open model) to reach by the end of the stage. */
  readonly target: number;
}

/** `30s:10,1m:50,30s:0` (ramp to each target over each duration), or a list of `{ duration, target }`. */
export function parseStages(raw: unknown): Stage[] {
  const stage = (duration: unknown, target: unknown): Stage => ({
    durationS: parseDuration(duration) / 1000,
    target: parseNumber(target, 0, false, MAX_USERS),
  });
  if (Array.isArray(raw)) return raw.map((s) => stage(s?.duration ?? s?.durationS, s?.target));
  return parseText(raw)
    .split(',')
    .map((part) => {
      const [d, t] = part.split(':');
      if (d === undefined || t === undefined)
        throw new ValueError(`expected stages like 30s:10,1m:50, got "${part}"`);
      return stage(d, t);
    });
}

/** A comma list (or a config file's array), each item one of `values`. */
export function parseList<const V extends readonly string[]>(
  values: V,
  raw: unknown,
  what = 'value',
): V[number][] {
  const items = Array.isArray(raw)
    ? raw.map(String)
    : parseText(raw)
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
  for (const item of items)
    if (!values.includes(item)) throw new ValueError(`unknown ${what} "${item}" (${values.join(', ')})`);
  return items as V[number][];
}

/** One string (a flag given once) or a list (a repeated flag, a config file's array). */
export function parseStrings(raw: unknown): string[] {
  return Array.isArray(raw) ? raw.map(String) : [parseText(raw)];
}

/** RFC 9110 token characters: what a header name may contain. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * Headers about the connection or the framing, not the request (RFC 9110 §7.6.1): undici sets or
 * refuses them itself, which used to surface at send time as "cannot reach".
 */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'content-length',
  'upgrade',
  'expect',
]);

/**
 * `Name: value` (a flag, repeatable), a list of those, or a `{ Name: value }` object (config
 * files) → [name, value] pairs. CR/LF in a value would smuggle a second header: refused.
 */
export function parseHeaders(raw: unknown): [string, string][] {
  const pairs: [string, string][] =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? Object.entries(raw).map(([name, value]) => [name, parseText(value)])
      : parseStrings(raw).map((line) => {
          const colon = line.indexOf(':');
          if (colon <= 0) throw new ValueError(`expected 'Name: value', got "${line}"`);
          return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
        });
  for (const [name, value] of pairs) {
    if (!HEADER_NAME.test(name)) throw new ValueError(`"${name}" is not a valid header name`);
    if (HOP_BY_HOP.has(name.toLowerCase()))
      throw new ValueError(
        `"${name}" is a hop-by-hop header the HTTP client manages itself (framing, connection reuse); it cannot be set per request`,
      );
    if (/[\r\n\0]/.test(value)) throw new ValueError(`the value of header "${name}" contains a line break`);
  }
  return pairs;
}

/**
 * A `key=value,…` spec parser that throws RangeError (controls/settings.ts) as a ValueError;
 * config files may also give the spec's parts as an object (`{ failures: 5, window: 10s }`).
 */
export function parseSpec<T>(parse: (text: string) => T, raw: unknown): T {
  const value =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? Object.entries(raw)
          .map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}=${String(v)}`)
          .join(',')
      : raw;
  try {
    return parse(Array.isArray(value) ? value.join(',') : parseText(value));
  } catch (error) {
    if (error instanceof RangeError) throw new ValueError(error.message);
    throw error;
  }
}
