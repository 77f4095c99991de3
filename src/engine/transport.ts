/**
 * How requests reach the target: one undici dispatcher for the preflight and the load alike, with
 * the run's proxy (undici's EnvHttpProxyAgent / ProxyAgent), TLS (extra CA, insecure, client
 * certificate, SNI) and HTTP/2 (ALPN). Every TCP connection it opens is reported once with the
 * protocol ALPN chose, so a run can show connections next to streams and a refused h2.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { Agent, buildConnector, type Dispatcher, EnvHttpProxyAgent, Pool, ProxyAgent } from 'undici';
import { redactUrl } from '../config/redact.ts';
import type { ProxySettings, TlsSettings, TransportConfig } from './transport-options.ts';

export type { TransportConfig };

/** `h2` when ALPN chose HTTP/2, else `http/1.1` (plain TCP, or a TLS server that refused h2). */
export type WireProtocol = 'h2' | 'http/1.1';

export interface Transport {
  readonly dispatcher: Dispatcher;
  close(): Promise<void>;
}

/** Node's `ca` option replaces the default roots: keep them and add the user's. */
export function tlsConnectOptions(tls: TlsSettings): Record<string, unknown> {
  return {
    ...(tls.ca === null ? {} : { ca: [...rootCertificates, readFileSync(tls.ca, 'utf8')] }),
    ...(tls.cert === null ? {} : { cert: readFileSync(tls.cert) }),
    ...(tls.key === null ? {} : { key: readFileSync(tls.key) }),
    ...(tls.insecure ? { rejectUnauthorized: false } : {}),
    ...(tls.servername === null ? {} : { servername: tls.servername }),
  };
}

type Connector = buildConnector.connector;

/**
 * A proxy that accepts the TCP connection and never answers `CONNECT`: undici would wait its own
 * 300 s headers timeout. The tunnel is part of connecting, so it gets `--connect-timeout`, and
 * the error says so (classified `timeout`, as a connect timeout is).
 */
export class ProxyConnectTimeoutError extends Error {
  readonly code = 'UND_ERR_CONNECT_TIMEOUT';
  constructor(proxy: string, target: string, timeoutMs: number) {
    super(
      `proxy ${redactUrl(proxy)} did not answer CONNECT ${target} within --connect-timeout (${timeoutMs} ms)`,
    );
    this.name = 'ProxyConnectTimeoutError';
  }
}

/** The proxy's own client (the one that sends `CONNECT`): its answer is bounded like a connect. */
function proxyClientFactory(timeoutMs: number) {
  return (origin: URL | string, options: object): Dispatcher =>
    new Pool(origin, { ...options, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}

/**
 * Wraps whatever connector a pool would use so each new socket is reported. Pools get the
 * connector as a function (ProxyAgent's tunnel, or one built here from the TLS options exactly as
 * undici's Pool would), so counting needs no global diagnostics channel.
 */
function countingFactory(
  onConnection: (protocol: WireProtocol) => void,
  proxy: ProxySettings | null,
  connectTimeoutMs: number,
) {
  const proxyOrigins = new Set(
    [proxy?.http, proxy?.https]
      .filter((u): u is string => typeof u === 'string')
      .map((u) => new URL(u).origin),
  );
  return (origin: URL | string, options: Record<string, unknown>): Dispatcher => {
    // A plain-http request through a forward proxy goes to the proxy's own pool. Proxies such as
    // tinyproxy close that connection after each response without saying so, and a request sent on
    // it in that instant fails with "other side closed": there, one connection per request
    // (`pipelining: 0`). Tunnels (https targets) and direct connections keep alive as usual.
    const forward = proxyOrigins.has(new URL(String(origin)).origin);
    const inner: Connector =
      typeof options.connect === 'function'
        ? (options.connect as Connector)
        : buildConnector({
            ...(options.tls as object | undefined),
            allowH2: options.allowH2 as boolean,
            timeout: options.connectTimeout as number,
            ...(options.connect as object | undefined),
          } as buildConnector.BuildOptions);
    // A function here is ProxyAgent's tunnel: its CONNECT timing out is a connect timeout.
    const tunnel = typeof options.connect === 'function' && proxy !== null;
    const connect: Connector = (opts, callback) =>
      inner(opts, (...args) => {
        const [error, socket] = args as [Error | null, (Socket & { alpnProtocol?: string | false }) | null];
        if (tunnel && (error as { code?: string } | null)?.code === 'UND_ERR_HEADERS_TIMEOUT') {
          const via = proxy.https ?? proxy.http ?? '';
          callback(
            new ProxyConnectTimeoutError(via, `${opts.hostname}:${opts.port}`, connectTimeoutMs),
            null,
          );
          return;
        }
        if (socket != null) onConnection(socket.alpnProtocol === 'h2' ? 'h2' : 'http/1.1');
        callback(...args);
      });
    return new Pool(origin, { ...options, connect, ...(forward ? { pipelining: 0 } : {}) } as Pool.Options);
  };
}

function proxyOptions(proxy: ProxySettings): { httpProxy?: string; httpsProxy?: string; noProxy: string } {
  return {
    ...(proxy.http === null ? {} : { httpProxy: proxy.http }),
    ...(proxy.https === null ? {} : { httpsProxy: proxy.https }),
    noProxy: proxy.noProxy,
  };
}

export function createTransport(
  config: TransportConfig,
  onConnection: (protocol: WireProtocol) => void = () => {},
): Transport {
  const tls = { ...tlsConnectOptions(config.tls), allowH2: config.http2 };
  const common = {
    // undici's pool size per origin: null = a new connection whenever none is free.
    connections: config.maxConnections,
    connectTimeout: config.connectTimeout,
    headersTimeout: config.firstByteTimeout,
    bodyTimeout: config.idleTimeout,
    keepAliveTimeout: 30_000,
    // undici 8 offers h2 by default: without --http2 every stream keeps its own HTTP/1.1 connection.
    allowH2: config.http2,
    factory: countingFactory(onConnection, config.proxy, config.connectTimeout),
  };
  const clientFactory = proxyClientFactory(config.connectTimeout);
  const { proxy } = config;
  let dispatcher: Dispatcher;
  if (proxy === null) {
    dispatcher = new Agent({ ...common, connect: tls });
  } else if (proxy.source === 'flag') {
    // Through a tunnel the target's TLS is `requestTls`; `connect` would be the proxy's own.
    dispatcher = new ProxyAgent({
      ...common,
      clientFactory,
      uri: proxy.http ?? (proxy.https as string),
      requestTls: tls,
    });
  } else {
    // Both agents are built from the same options: the direct one (NO_PROXY) uses `connect`,
    // the proxied ones `requestTls`. The settings were read from the env once, into the config,
    // so scale-out workers and the report see the same proxy.
    dispatcher = new EnvHttpProxyAgent({
      ...common,
      ...proxyOptions(proxy),
      clientFactory,
      connect: tls,
      requestTls: tls,
    } as EnvHttpProxyAgent.Options);
  }
  return {
    dispatcher,
    // Destroy, not close: close waits for every queued request, and a request waiting for a
    // connection that never comes (a silent proxy, a held --max-connections slot) was already
    // cut and counted; waiting for undici to give it up would hold the run's end.
    close: () => dispatcher.destroy().catch(() => {}),
  };
}

/**
 * What a reader of the results must know about the transport: verification was off, or HTTP/2
 * was asked for and ALPN (or a plain-http target, where there is no ALPN) gave HTTP/1.1.
 */
export function transportWarnings(
  config: Pick<TransportConfig, 'tls' | 'http2'>,
  origin: string,
  tcp: { readonly opened: number; readonly h2: number },
): string[] {
  const warnings: string[] = [];
  if (config.tls.insecure) warnings.push('--insecure: TLS certificates are not verified (testing only)');
  if (config.http2 && tcp.opened > 0 && tcp.h2 < tcp.opened) {
    warnings.push(
      origin.startsWith('http:')
        ? `--http2: ${origin} is plain http, where HTTP/2 is not offered (ALPN needs TLS): all ${tcp.opened} connections used HTTP/1.1`
        : `--http2: the server chose HTTP/1.1 (ALPN) on ${tcp.opened - tcp.h2} of ${tcp.opened} connections`,
    );
  }
  return warnings;
}
