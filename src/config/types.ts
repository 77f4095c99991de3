/**
 * A fully resolved run: flags over config file over `STREAMLOAD_*` env over defaults. Plain JSON
 * (workers receive it over the wire), times in milliseconds unless the name says otherwise.
 */

import type { ControlOptions } from '../controls/settings.ts';
import type { Segment } from '../distributed/shares.ts';
import type { ArrivalKind } from '../engine/arrivals.ts';
import type { ProtocolName, ResponseMode } from '../protocols/types.ts';

export interface Stage {
  readonly durationS: number;
  /** Users (closed model) or arrivals per second (open model) to reach by the end of the stage. */
  readonly target: number;
}

export const BUILTIN_SCENARIOS = [
  'stream',
  'burst',
  'blocking',
  'empty-qps',
  'llm',
  'chat-completions',
] as const;
export type BuiltinScenario = (typeof BUILTIN_SCENARIOS)[number];

/** Where requests go on their way to the target: null in RunConfig = straight there. */
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

export interface RunConfig {
  /** Target origin (`http://host:port`); null = start the embedded targets. */
  readonly target: string | null;
  readonly protocol: ProtocolName;
  readonly apiKey: string | null;
  readonly path: string | null;
  readonly responseMode: ResponseMode;
  /** A built-in scenario name or a path to a TypeScript scenario file. */
  readonly scenario: string;
  readonly questions: readonly string[];
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly model: string | null;
  readonly users: number;
  readonly spawnRate: number;
  readonly runTimeMs: number | null;
  /** Load before the measurement starts (excluded from every metric); the run time follows it. */
  readonly warmupMs: number;
  readonly iterations: number | null;
  /** Open model: request arrivals per second. */
  readonly rate: number | null;
  readonly stages: readonly Stage[] | null;
  /** Think time between a user's iterations, uniform in [min, max]. */
  readonly waitMs: readonly [number, number];
  readonly connectTimeoutMs: number;
  readonly firstByteTimeoutMs: number;
  /** Longest allowed gap between bytes of a stream. */
  readonly idleTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly maxEventBytes: number;
  /** Largest blocking (non-stream) response body before `body_too_large`. */
  readonly maxBodyBytes: number;
  /** Most distinct names per named series (node titles, request names) before `(other)`. */
  readonly maxSeries: number;
  readonly thresholds: readonly string[];
  /** Per-request objectives (`ttft<500ms`): a request is good when it succeeded and met them all. */
  readonly slos: readonly string[];
  /** Report folder; null = `reports/<stamp>/`. */
  readonly out: string | null;
  readonly formats: readonly string[];
  readonly jsonSummary: boolean;
  readonly liveIntervalMs: number;
  readonly seed: number;
  /** Generic `sse` protocol request shape and terminal rule. */
  readonly method: string;
  readonly body: string | null;
  readonly terminalEvent: string | null;
  readonly terminalData: string | null;
  /** Open model: most requests in flight before arrivals are dropped (and counted). */
  readonly maxInFlight: number;
  /** Open model: how arrivals are spaced (engine/arrivals.ts). */
  readonly arrival: ArrivalKind;
  /** Gamma shape for `arrival: gamma`: 1 = Poisson, below 1 burstier. */
  readonly burstiness: number;
  /** Headers sent with every request (lower-case names; `user-agent` included), over the protocol's. */
  readonly headers: Readonly<Record<string, string>>;
  readonly proxy: ProxySettings | null;
  readonly tls: TlsSettings;
  /** Offer HTTP/2 through ALPN (undici allowH2). */
  readonly http2: boolean;
  /** Client-side controls as given (null = not given: a scenario's own `controls` may set it). */
  readonly controls: ControlOptions;
  /** `--segment i/N` as `{ index: i − 1, of: N }`: this run does only that share (distributed/shares.ts). */
  readonly segment?: Segment | null;
  /** `--start-at`: the common start of all segments, Unix ms (null: start at once). */
  readonly startAt?: number | null;
}

export const REPORT_FORMATS = ['txt', 'json', 'csv', 'junit', 'md', 'html'] as const;
