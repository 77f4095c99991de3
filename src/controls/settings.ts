/**
 * The settings one process runs with from the client-side controls' options (options.ts): its
 * share of the rate and concurrency, and the defaults.
 */

import { splitInteger, splitRate } from '../segments/shares.ts';
import type { BackoffPolicy } from './backoff.ts';
import { type BreakerSettings, CONTROL_DEFAULTS, type ControlOptions, type RetryCause } from './options.ts';

export interface RetrySettings {
  /** Retries after the first attempt (0 = none). */
  readonly retries: number;
  readonly retryOn: readonly RetryCause[];
  readonly backoff: BackoffPolicy;
  /** Also retry a stream that already delivered events (it would repeat them). */
  readonly retryStreams: boolean;
}

export interface ControlSettings {
  /** Requests per second of this process (its share of `--client-rate`), null = unlimited. */
  readonly clientRate: number | null;
  readonly clientBurst: number;
  readonly maxConcurrency: number | null;
  readonly retry: RetrySettings;
  readonly circuitBreaker: BreakerSettings | null;
}

/**
 * The controls in effect, still as options: each one the run gives (flag, config file, env) over
 * the scenario's own `controls`; null where neither gives it. What run.json echoes as config.controls.
 */
export function mergeControls(run: ControlOptions, scenario: ControlOptions | undefined): ControlOptions {
  const merged: Record<string, unknown> = { ...run };
  for (const [key, value] of Object.entries(scenario ?? {}))
    merged[key] = run[key as keyof ControlOptions] ?? value ?? null;
  return merged as ControlOptions;
}

/**
 * The settings one process runs with: run options over the scenario's, then defaults. Under
 * `--processes`/workers the rate, burst and concurrency are split so the shares sum to the whole
 * (each share at least 1 token of burst and 1 slot, so no share stalls).
 */
export function resolveControls(
  run: ControlOptions,
  scenario: ControlOptions | undefined,
  share?: { readonly index: number; readonly of: number },
): ControlSettings {
  const merged = mergeControls(run, scenario);
  const pick = <K extends keyof ControlOptions>(key: K): ControlOptions[K] => merged[key] ?? null;
  const of = share?.of ?? 1;
  const index = share?.index ?? 0;
  const rate = pick('clientRate');
  const burst = pick('clientBurst') ?? CONTROL_DEFAULTS.clientBurst;
  const concurrency = pick('maxConcurrency');
  const backoff = pick('backoff') ?? CONTROL_DEFAULTS.backoff;
  return {
    clientRate: rate === null || rate === undefined ? null : splitRate(rate, of)[index]!,
    clientBurst: Math.max(1, splitInteger(Math.round(burst), of)[index]!),
    maxConcurrency:
      concurrency === null || concurrency === undefined
        ? null
        : Math.max(1, splitInteger(concurrency, of)[index]!),
    retry: {
      retries: pick('retry') ?? CONTROL_DEFAULTS.retry,
      retryOn: pick('retryOn') ?? CONTROL_DEFAULTS.retryOn,
      backoff: { ...backoff, jitter: pick('jitter') ?? CONTROL_DEFAULTS.jitter },
      retryStreams: pick('retryStreams') ?? CONTROL_DEFAULTS.retryStreams,
    },
    circuitBreaker: pick('circuitBreaker') ?? null,
  };
}

/** True when any control changes what a request goes through (then operations are recorded). */
export function controlsActive(settings: ControlSettings): boolean {
  return (
    settings.clientRate !== null ||
    settings.maxConcurrency !== null ||
    settings.retry.retries > 0 ||
    settings.circuitBreaker !== null
  );
}
