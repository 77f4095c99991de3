/**
 * A small client of Dify's console API (`{origin}/console/api`). It holds the session of either
 * style Dify has used: older releases return `data.access_token` in the login body (sent back as
 * `Authorization: Bearer`); current ones set `access_token`, `refresh_token` and `csrf_token`
 * cookies (`__Host-` prefixed on https) and check `X-CSRF-Token` on every call, GET included (Dify
 * 1.13 `login_required`). Sending the bearer token, the cookies and the CSRF header together
 * satisfies both. Dify ≥ 1.11 also base64-decodes the login password (`decrypt_password_field`).
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
  /** The start of a body that is not a JSON object (an HTML error page…), for the one-line message. */
  readonly text?: string;
}

export type SessionStyle = 'token' | 'cookie';

export interface ConsoleClient {
  readonly origin: string;
  /** One console call (`path` under /console/api); throws SetupError only when the host cannot be reached. */
  call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ConsoleResponse>;
  /**
   * Logs in; the session style the server used and how the password went, or the failed answer.
   * Throws SetupError for a cookie session that came without its CSRF cookie (no later call could
   * succeed).
   */
  login(email: string, password: string): Promise<LoginOutcome>;
}

/** How the password was sent: `base64` (Dify ≥ 1.11) or `plain` (older Dify). */
export type PasswordForm = 'base64' | 'plain';

export type LoginOutcome =
  | { readonly ok: true; readonly style: SessionStyle; readonly password: PasswordForm }
  | {
      readonly ok: false;
      /** The answer that decides: the plain try's on an older Dify, else the base64 try's. */
      readonly answer: ConsoleResponse;
      /** Both forms were refused and nothing told which one this Dify wants (else base64 was). */
      readonly both: boolean;
    };

/** Dify ≥ 1.11's answer to a login password that is not base64 (`libs/encryption.py`). */
export const NOT_BASE64_PASSWORD = 'Invalid encrypted data';

export interface ConsoleClientOptions {
  /** One deadline per console call, answer body included (a dribbled answer cannot hold setup). */
  readonly deadlineMs?: number;
}

const DEADLINE_MS = 30_000;
/** Console answers are small JSON (an app list is a few kB): anything past this is not Dify. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

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
  const error = response.body?.error;
  // Dify 1.13's "already set up" answer nests its message: {"error": {"message": "Forbidden", …}}.
  const message =
    response.body?.message ?? (typeof error === 'object' ? error?.message : error) ?? response.body?.data;
  if (typeof message === 'string' && message !== '') return `${response.status}${code}: ${message}`;
  const text = response.text?.replace(/\s+/g, ' ').trim();
  return `${response.status}${code}${text ? ` (not JSON: ${JSON.stringify(text.slice(0, 80))})` : ''}`;
}

/** The value of cookie `name`, with or without Dify's `__Host-` prefix (https consoles). */
function cookie(cookies: Record<string, string>, name: string): string | undefined {
  return cookies[name] ?? cookies[`__Host-${name}`];
}

/** `dispatcher`: how the console is reached (proxy, TLS), the one `run` would build from the same options. */
export function createConsoleClient(
  origin: string,
  dispatcher: Dispatcher,
  options: ConsoleClientOptions = {},
): ConsoleClient {
  const base = `${origin.replace(/\/+$/, '')}/console/api`;
  const deadlineMs = options.deadlineMs ?? DEADLINE_MS;
  const cookies: Record<string, string> = {};
  let bearer: string | undefined;

  function headersFor(body: unknown): Record<string, string> {
    const csrf = cookie(cookies, 'csrf_token');
    const headers: Record<string, string> = { accept: 'application/json', ...bearerHeader(bearer) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (Object.keys(cookies).length > 0) headers.cookie = cookieHeader(cookies);
    // Dify 1.13 checks CSRF on every method but OPTIONS: a GET without it is a 401.
    if (csrf !== undefined) headers['x-csrf-token'] = csrf;
    return headers;
  }

  /** The whole answer, read under one deadline and one size bound. */
  async function exchange(method: 'GET' | 'POST', path: string, body: unknown, signal: AbortSignal) {
    const res = await request(`${base}${path}`, {
      method,
      headers: headersFor(body),
      dispatcher,
      signal,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    Object.assign(cookies, parseSetCookies(res.headers['set-cookie']));
    // One bounded reader for every peer's body (the preflight's too).
    const { text, truncated } = await readBoundedText(res.body, MAX_ANSWER_BYTES);
    if (truncated)
      throw new SetupError(
        `${method} ${base}${path} answered more than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB: not a Dify console (is --console right?)`,
      );
    return { status: res.statusCode, text };
  }

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ConsoleResponse> {
    const signal = AbortSignal.timeout(deadlineMs);
    let answer: { status: number; text: string };
    try {
      answer = await exchange(method, path, body, signal);
    } catch (error) {
      if (error instanceof SetupError) throw error;
      if (signal.aborted)
        throw new SetupError(
          `${method} ${base}${path} got no complete answer within ${deadlineMs / 1000} s (the per-call deadline): is the console overloaded, or is something between here and it holding the connection?`,
        );
      throw unreachable('the Dify console', origin, error, 'is it running, and is --console right?');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text);
    } catch {
      parsed = undefined;
    }
    const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
    return isObject
      ? { status: answer.status, body: parsed as Record<string, unknown> }
      : { status: answer.status, body: undefined, text: answer.text.slice(0, 200) };
  }

  /** One login try; the session style on success. */
  async function tryLogin(email: string, password: string) {
    const response = await call('POST', '/login', { email, password, remember_me: true });
    // A 200 can still be a failure: `{"result": "fail", "data": "workspace not found"}`.
    if (response.status !== 200 || response.body?.result !== 'success') return response;
    const token = response.body.data?.access_token;
    if (typeof token === 'string' && token !== '') {
      bearer = token;
      return 'token' as const;
    }
    const fromCookie = cookie(cookies, 'access_token');
    if (fromCookie === undefined) return response;
    // Without the CSRF cookie every later call would fail with a 401 that names no cause. Seen
    // with a plain-http forward proxy that forwards one Set-Cookie of several (tinyproxy 1.11).
    if (cookie(cookies, 'csrf_token') === undefined)
      throw new SetupError(
        `login at ${origin} answered without its csrf_token cookie: something between here and the console dropped Set-Cookie headers (a forward proxy on plain http? reach the console with --no-proxy, NO_PROXY or over https)`,
      );
    bearer = fromCookie;
    return 'cookie' as const;
  }

  return {
    origin,
    call,
    async login(email, password) {
      // Dify ≥ 1.11 base64-decodes the field on every login, whatever the password looks like, so
      // base64 first is right for it. An older Dify compares the base64 text itself and says the
      // password is wrong: then plain, once. A plain try that Dify rejects with exactly
      // NOT_BASE64_PASSWORD proves this Dify decodes base64, so the base64 answer was the verdict.
      const encoded = await tryLogin(email, Buffer.from(password, 'utf8').toString('base64'));
      if (typeof encoded === 'string') return { ok: true, style: encoded, password: 'base64' };
      if (encoded.status !== 401) return { ok: false, answer: encoded, both: false };
      const plain = await tryLogin(email, password);
      if (typeof plain === 'string') return { ok: true, style: plain, password: 'plain' };
      if (plain.body?.message === NOT_BASE64_PASSWORD) return { ok: false, answer: encoded, both: false };
      return { ok: false, answer: plain, both: true };
    },
  };
}
