/**
 * A small client of Dify's console API (`{origin}/console/api`). It holds the session of either
 * style Dify has used: older releases return `data.access_token` in the login body (sent back as
 * `Authorization: Bearer`); current ones set `access_token`, `refresh_token` and `csrf_token`
 * cookies (`__Host-` prefixed on https) and want `X-CSRF-Token` on every non-GET call. Sending the
 * bearer token, the cookies and the CSRF header together satisfies both.
 */
import { type Dispatcher, request } from 'undici';
import { describeCertificateError } from '../engine/certificate-error.ts';
import { bearerHeader } from '../util/bearer.ts';
import { readBoundedText } from '../util/bounded-body.ts';
import { cookieHeader, parseSetCookies } from '../util/cookies.ts';

/** A failure of one setup step: its message is the one actionable line the user sees (exit 2). */
export class SetupError extends Error {}

export interface ConsoleResponse {
  readonly status: number;
  /** The JSON object answered, or undefined (HTML from a proxy, an empty body…). */
  // biome-ignore lint/suspicious/noExplicitAny: console answers are untyped JSON, read field by field.
  readonly body: Record<string, any> | undefined;
}

export type SessionStyle = 'token' | 'cookie';

export interface ConsoleClient {
  readonly origin: string;
  /** One console call (`path` under /console/api); throws SetupError only when the host cannot be reached. */
  call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ConsoleResponse>;
  /**
   * Logs in; the session style the server used, or the failed answer. Throws SetupError for a
   * cookie session that came without its CSRF cookie (no later call could succeed).
   */
  login(email: string, password: string): Promise<SessionStyle | ConsoleResponse>;
}

const TIMEOUT_MS = 30_000;
/** A console answer is a small JSON object; past this it is read no further (and parses as none). */
const MAX_ANSWER_BYTES = 4 << 20;

/**
 * A request that got no answer, as one line: a certificate failure names the option that fixes it,
 * worded as `run`'s preflight words it; anything else gets `hint` (which option to check).
 */
export function unreachable(what: string, origin: string, error: unknown, hint: string): SetupError {
  const certificate = describeCertificateError(error as Error);
  if (certificate !== undefined) return new SetupError(`TLS: ${origin}: ${certificate}`);
  const code = (error as { code?: string }).code ?? (error as Error).message;
  return new SetupError(`cannot reach ${what} at ${origin} (${code}): ${hint}`);
}

/** `{code, message}` of a Dify error body as one short text, e.g. `401 unauthorized: Invalid email…`. */
export function describeFailure(response: ConsoleResponse): string {
  const code = typeof response.body?.code === 'string' ? ` ${response.body.code}` : '';
  const message = response.body?.message ?? response.body?.error ?? response.body?.data;
  return `${response.status}${code}${typeof message === 'string' && message !== '' ? `: ${message}` : ''}`;
}

/** The value of cookie `name`, with or without Dify's `__Host-` prefix (https consoles). */
function cookie(cookies: Record<string, string>, name: string): string | undefined {
  return cookies[name] ?? cookies[`__Host-${name}`];
}

/** `dispatcher`: how the console is reached (proxy, TLS), the one `run` would build from the same options. */
export function createConsoleClient(origin: string, dispatcher: Dispatcher): ConsoleClient {
  const base = `${origin.replace(/\/+$/, '')}/console/api`;
  const cookies: Record<string, string> = {};
  let bearer: string | undefined;

  async function send(method: 'GET' | 'POST', path: string, body?: unknown) {
    const csrf = cookie(cookies, 'csrf_token');
    const headers: Record<string, string> = { accept: 'application/json', ...bearerHeader(bearer) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (Object.keys(cookies).length > 0) headers.cookie = cookieHeader(cookies);
    if (method !== 'GET' && csrf !== undefined) headers['x-csrf-token'] = csrf;
    try {
      return await request(`${base}${path}`, {
        method,
        headers,
        dispatcher,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
      });
    } catch (error) {
      throw unreachable('the Dify console', origin, error, 'is it running, and is --console right?');
    }
  }

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ConsoleResponse> {
    const res = await send(method, path, body);
    Object.assign(cookies, parseSetCookies(res.headers['set-cookie']));
    const { text } = await readBoundedText(res.body, MAX_ANSWER_BYTES);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    return { status: res.statusCode, body: isObject ? (parsed as Record<string, unknown>) : undefined };
  }

  return {
    origin,
    call,
    async login(email, password) {
      const response = await call('POST', '/login', { email, password, remember_me: true });
      // A 200 can still be a failure: `{"result": "fail", "data": "workspace not found"}`.
      if (response.status !== 200 || response.body?.result !== 'success') return response;
      const token = response.body.data?.access_token;
      if (typeof token === 'string' && token !== '') {
        bearer = token;
        return 'token';
      }
      const fromCookie = cookie(cookies, 'access_token');
      if (fromCookie === undefined) return response;
      // Without the CSRF cookie every non-GET call would fail with a 401 that names no cause. Seen
      // with a plain-http forward proxy that forwards one Set-Cookie of several (tinyproxy 1.11).
      if (cookie(cookies, 'csrf_token') === undefined)
        throw new SetupError(
          `login at ${origin} answered without its csrf_token cookie: something between here and the console dropped Set-Cookie headers (a forward proxy on plain http? reach the console with --no-proxy, NO_PROXY or over https)`,
        );
      bearer = fromCookie;
      return 'cookie';
    },
  };
}
