/** Run settings: resolved from flags over config file over `STREAMLOAD_*` env over defaults. */

import type { ControlOptions } from '../controls/options.ts';
import type { FoldedOption } from './derived.ts';
import type { OptionValues } from './fields.ts';
import type { PoolDescription } from './question-pool.ts';

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

/** Settings computed from several options; derived.ts lists the options folded into each. */
export interface DerivedSettings {
  /** The question pool: the lines of `--questions FILE`, else a built-in pool. */
  readonly questions: readonly string[];
  /**
   * Headers sent with every request over the protocol's: `User-Agent: streamload/<version>`, then
   * `--header`s (lower-case names, so they override the protocol's).
   */
  readonly headers: Readonly<Record<string, string>>;
  /** `--proxy`, `--no-proxy`, else HTTP(S)_PROXY/NO_PROXY (none for the embedded targets). */
  readonly proxy: ProxySettings | null;
  /** `--ca`, `--cert`, `--key` (paths resolved and checked readable), `--insecure`, `--servername`. */
  readonly tls: TlsSettings;
  /** Client-side controls as given (null = not given: a scenario's own `controls` may set it). */
  readonly controls: ControlOptions;
}

/**
 * A fully resolved run: every option of the table (fields.ts) under its own name, typed by its
 * entry, except those folded into a derived setting. Durations are milliseconds (`runTime`,
 * `warmup`, `wait`, the timeouts, `liveInterval`), sizes bytes. A new option needs no line here.
 */
export type RunConfig = Omit<OptionValues, FoldedOption> & DerivedSettings;

/**
 * run.json's `config`: RunConfig as redactConfig prints it (secrets as `***`, the question pool
 * described), typed by the option table. Every key optional: a run.json from an older version
 * lacks the newer options. A merged run adds how many segments it merged; a scaled run its placement.
 */
export type RecordedConfig = {
  readonly [K in keyof RunConfig]?: K extends 'questions' ? PoolDescription : RunConfig[K];
} & {
  readonly mergedSegments?: number;
  readonly placement?: unknown;
};

export const REPORT_FORMATS = ['txt', 'json', 'csv', 'junit', 'md', 'html'] as const;
