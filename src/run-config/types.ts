/** Run settings: resolved from flags over config file over `STREAMLOAD_*` env over defaults. */

import { CONTROL_KEYS } from '../controls/control-keys.ts';
import type { ControlOptions } from '../controls/options.ts';
import type { ProxySettings, TlsSettings } from '../engine/transport-options.ts';
import type { OptionName, OptionValues } from './fields.ts';
import type { PoolDescription } from './question-pool.ts';

/** Options read into a derived setting (DerivedSettings says which). */
export const FOLDED_OPTIONS = [
  'apiKeyFile', // → apiKey
  'questions', // the file → questions, the pool
  'header', // → headers (with User-Agent)
  'proxy', // with HTTP(S)_PROXY/NO_PROXY → proxy
  'ca', // → tls
  'cert',
  'key',
  'insecure',
  'servername',
  ...CONTROL_KEYS, // → controls
] as const satisfies readonly OptionName[];
export type FoldedOption = (typeof FOLDED_OPTIONS)[number];

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
