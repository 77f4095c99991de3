/**
 * Where the web UI listens and who may use it. Loopback needs nothing; any other bind address must
 * have `--web-auth user:pass` (HTTP basic) or `--web-token` (bearer), or the command exits 2.
 * Requests must name a host the UI serves (DNS rebinding): the loopback names, the bind address
 * and the `--web-allowed-host` names.
 */
import { option, type ValuesOf } from '../config/option.ts';
import { count, text, texts } from '../config/values.ts';
import { UsageError } from '../errors.ts';
import { isLoopback } from '../util/loopback.ts';

export const DEFAULT_WEB_HOST = '127.0.0.1';
export const DEFAULT_WEB_PORT = 8089;

export interface WebOptions {
  readonly host: string;
  readonly port: number;
  readonly auth: { readonly user: string; readonly pass: string } | null;
  readonly token: string | null;
  /** Extra `Host` names (`name` or `name:port`) for a deployment behind a proxy, lower case. */
  readonly allowedHosts: readonly string[];
}

export const WEB_OPTIONS = {
  webHost: option({
    arg: 'host',
    help: 'web UI bind address (others than loopback need --web-auth or --web-token)',
    value: text,
    default: DEFAULT_WEB_HOST,
  }),
  webPort: option({
    arg: 'port',
    help: 'web UI port (0 = any free port)',
    value: count(0, 65_535),
    default: DEFAULT_WEB_PORT,
  }),
  webAuth: option({
    arg: 'user:pass',
    help: 'web UI HTTP basic credentials (prefer env STREAMLOAD_WEB_AUTH: `ps` shows flags)',
    value: text,
    default: null,
  }),
  webToken: option({
    arg: 'token',
    help: 'web UI bearer token, also accepted as ?token= (prefer env STREAMLOAD_WEB_TOKEN)',
    value: text,
    default: null,
  }),
  webAllowedHost: option({
    arg: 'name',
    help: 'another Host name the web UI answers to, e.g. behind a proxy (repeatable; loopback names always)',
    value: texts,
    default: [],
    repeatable: true,
  }),
};

export { isLoopback };

/** Shortest --web-token accepted on a non-loopback bind: 16 characters (64 bits as hex). */
const MIN_REMOTE_TOKEN = 16;

/** The web options, resolved (flags, config file, env, defaults), checked: who may use the UI. */
export function webOptionsOf(values: ValuesOf<typeof WEB_OPTIONS>): WebOptions {
  const host = values.webHost;
  const port = values.webPort;
  const authText = values.webAuth || null;
  let auth: WebOptions['auth'] = null;
  if (authText !== null) {
    const colon = authText.indexOf(':');
    if (colon <= 0 || colon === authText.length - 1) {
      throw new UsageError('--web-auth: expected user:pass with both parts non-empty');
    }
    auth = { user: authText.slice(0, colon), pass: authText.slice(colon + 1) };
  }
  // An empty value (`STREAMLOAD_WEB_TOKEN=`) is none.
  const token = values.webToken || null;
  if (token !== null && token.trim() === '') throw new UsageError('--web-token: blank (give a random token)');
  // Off loopback the token is all that stands between the network and starting load: no guessable one.
  if (token !== null && !isLoopback(host) && token.length < MIN_REMOTE_TOKEN)
    throw new UsageError(
      `--web-token: at least ${MIN_REMOTE_TOKEN} characters for --web-host ${host} (a non-loopback address), got ${token.length}; e.g. $(openssl rand -hex 16)`,
    );
  if (!isLoopback(host) && auth === null && token === null) {
    throw new UsageError(
      `--web-host ${host}: binding the web UI to a non-loopback address needs --web-auth user:pass or --web-token (anyone who reaches it can start load)`,
    );
  }
  const allowedHosts = values.webAllowedHost.map((name) => {
    const lower = name.trim().toLowerCase();
    if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(lower)) {
      throw new UsageError(
        `--web-allowed-host: expected a host name or name:port (no scheme or path), got "${name}"`,
      );
    }
    return lower;
  });
  return { host, port, auth, token, allowedHosts };
}
