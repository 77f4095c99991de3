/**
 * The transport's fragments of the run options: how a request reaches the target (proxy, TLS;
 * every command that talks HTTP takes these) and what bounds it (timeouts, sizes, connections,
 * HTTP/2, extra headers).
 */
import { MAX_BYTES, MAX_USERS } from '../config/limits.ts';
import { option, type ValuesOf } from '../config/option.ts';
import { count, duration, flag, headerLines, proxyUrl, text } from '../config/values.ts';

/** Where requests go on their way to the target: null in a run's config = straight there. */
export interface ProxySettings {
  /** Proxy for http:// targets (credentials may be in the URL: redacted in run.json). */
  readonly http: string | null;
  /** Proxy for https:// targets. */
  readonly https: string | null;
  /** NO_PROXY list (hosts, `.domain`, `host:port`, `*`); empty = proxy everything. */
  readonly noProxy: string;
  /** `flag` (--proxy or a config file) or `env` (HTTP_PROXY/HTTPS_PROXY/NO_PROXY). */
  readonly source: 'flag' | 'env';
}

/** TLS towards the target. Files are paths (read when the connections are set up). */
export interface TlsSettings {
  /** PEM CA bundle added to Node's default roots. */
  readonly ca: string | null;
  readonly cert: string | null;
  readonly key: string | null;
  /** Skip certificate verification. */
  readonly insecure: boolean;
  /** SNI and certificate name when the target is an IP address. */
  readonly servername: string | null;
}

/** How a request reaches its server: `run`'s, and `setup`'s for Dify. */
export const REACH_OPTIONS = {
  proxy: option({
    arg: 'url',
    help: 'send every request through this HTTP proxy, e.g. http://user:pass@proxy:3128',
    value: proxyUrl,
    default: null,
    defaultHelp: 'HTTP_PROXY/HTTPS_PROXY/NO_PROXY',
  }),
  ca: option({
    arg: 'file',
    help: 'PEM file of CA certificates to trust, added to the default roots',
    value: text,
    default: null,
  }),
  insecure: option({
    help: 'do not verify the TLS certificate (testing only: warned in the console and run.json)',
    value: flag,
    default: false,
  }),
  cert: option({
    arg: 'file',
    help: 'PEM client certificate (mTLS; with --key)',
    value: text,
    default: null,
  }),
  key: option({ arg: 'file', help: 'PEM private key of --cert', value: text, default: null }),
  servername: option({
    arg: 'name',
    help: 'TLS server name (SNI and certificate check) when the target is an IP address',
    value: text,
    default: null,
  }),
};

export const TRANSPORT_OPTIONS = {
  connectTimeout: option({ arg: 'dur', help: 'TCP connect timeout', value: duration, default: 10_000 }),
  firstByteTimeout: option({
    arg: 'dur',
    help: 'time to response headers',
    value: duration,
    default: 60_000,
  }),
  idleTimeout: option({
    arg: 'dur',
    help: 'longest gap between two events of a stream, headers → first event included; comments and pings do not count',
    value: duration,
    default: 60_000,
  }),
  stopTimeout: option({
    arg: 'dur',
    help: 'on stop, how long in-flight streams may finish',
    value: duration,
    default: 10_000,
  }),
  maxEventBytes: option({
    arg: 'n',
    help: 'largest SSE event before event_too_large',
    value: count(1, MAX_BYTES),
    default: 1024 * 1024,
  }),
  maxBodySize: option({
    arg: 'n',
    help: 'largest blocking response body in bytes before body_too_large',
    value: count(1),
    default: 8 * 1024 * 1024,
  }),
  header: option({
    arg: 'line',
    help: "extra request header 'Name: value' (repeatable; overrides the protocol's and User-Agent)",
    value: headerLines,
    default: [],
    repeatable: true,
  }),
  ...REACH_OPTIONS,
  http2: option({
    help: 'offer HTTP/2 (ALPN): many streams share one TCP connection; falls back to HTTP/1.1, reported',
    value: flag,
    default: false,
  }),
  maxConnections: option({
    arg: 'n',
    help: 'most TCP connections to the target per process; more requests wait for a free one, the wait counted in ttfb (HTTP/1.1 carries one stream per connection: a browser allows 6 per host)',
    value: count(1, MAX_USERS),
    default: null,
    defaultHelp: 'no limit',
  }),
};

/**
 * What the transport is built from: its options, resolved, with the proxy and TLS settings read
 * from them (and the environment) by the run's configuration.
 */
export type TransportConfig = Pick<
  ValuesOf<typeof TRANSPORT_OPTIONS>,
  'http2' | 'connectTimeout' | 'firstByteTimeout' | 'idleTimeout' | 'maxConnections'
> & {
  readonly proxy: ProxySettings | null;
  readonly tls: TlsSettings;
};
