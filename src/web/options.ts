/**
 * Where the web UI listens and who may use it. Loopback needs nothing; any other bind address must
 * have `--web-auth user:pass` (HTTP basic) or `--web-token` (bearer), or the command exits 2.
 * Requests must name a host the UI serves (DNS rebinding): the loopback names, the bind address
 * and the `--web-allowed-host` names.
 */
import type { Command } from 'commander';
import { port as parsePort } from '../config/units.ts';
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

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function addWebOptions(cmd: Command): Command {
  return cmd
    .option('--web-host <host>', `web UI bind address (default ${DEFAULT_WEB_HOST}; others need auth)`)
    .option('--web-port <port>', `web UI port (default ${DEFAULT_WEB_PORT}; 0 = any free port)`)
    .option('--web-auth <user:pass>', 'web UI HTTP basic credentials (or env STREAMLOAD_WEB_AUTH)')
    .option(
      '--web-token <token>',
      'web UI bearer token, also accepted as ?token= (or env STREAMLOAD_WEB_TOKEN)',
    )
    .option(
      '--web-allowed-host <name>',
      'another Host name the web UI answers to, e.g. behind a proxy (repeatable; loopback names always)',
      collect,
    );
}

export { isLoopback };

/** Shortest --web-token accepted on a non-loopback bind: 16 characters (64 bits as hex). */
const MIN_REMOTE_TOKEN = 16;

export function resolveWebOptions(
  flags: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
): WebOptions {
  const host = String(flags.webHost ?? DEFAULT_WEB_HOST);
  const portText = String(flags.webPort ?? DEFAULT_WEB_PORT);
  const port = parsePort('--web-port')(portText);
  const authText = (flags.webAuth as string | undefined) ?? env.STREAMLOAD_WEB_AUTH;
  let auth: WebOptions['auth'] = null;
  if (authText !== undefined && authText !== '') {
    const colon = authText.indexOf(':');
    if (colon <= 0 || colon === authText.length - 1) {
      throw new UsageError('--web-auth: expected user:pass with both parts non-empty');
    }
    auth = { user: authText.slice(0, colon), pass: authText.slice(colon + 1) };
  }
  const tokenText = (flags.webToken as string | undefined) ?? env.STREAMLOAD_WEB_TOKEN;
  const token = tokenText === undefined || tokenText === '' ? null : tokenText;
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
  const allowedHosts = ((flags.webAllowedHost as string[] | undefined) ?? []).map((name) => {
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
