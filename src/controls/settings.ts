/**
 * The client-side controls of a run, from their option texts (`--backoff 500ms..30s`,
 * `--circuit-breaker failures=10,window=30s,open=60s,half-open=1`, `--retry-on 429,5xx`) to typed
 * settings, and the settings one process uses (its share of the rate and concurrency).
 */

import { MAX_DURATION_MS } from '../config/limits.ts';
import { parseDurationMs } from '../config/units.ts';
import { splitInteger, splitRate } from '../distributed/shares.ts';
import { type BackoffPolicy, JITTERS, type Jitter } from './backoff.ts';

/** What a retry can be for: taxonomy names (PRODUCT.md). */
export const RETRY_CAUSES = ['rate_limited', 'http_5xx', 'connection_error', 'timeout'] as const;
export type RetryCause = (typeof RETRY_CAUSES)[number];

/** `--retry-on` words: the short forms of the issue (429, 5xx) and the taxonomy names. */
const RETRY_ON_WORDS: Readonly<Record<string, RetryCause>> = {
  '429': 'rate_limited',
  '5xx': 'http_5xx',
  rate_limited: 'rate_limited',
  http_5xx: 'http_5xx',
  connection_error: 'connection_error',
  timeout: 'timeout',
};

export interface BreakerSettings {
  readonly failures: number;
  readonly windowMs: number;
  readonly openMs: number;
  readonly halfOpen: number;
}

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

/** The controls as a run configuration, a config file or a scenario gives them; null/absent = not given. */
export interface ControlOptions {
  readonly clientRate?: number | null;
  readonly clientBurst?: number | null;
  readonly maxConcurrency?: number | null;
  readonly retry?: number | null;
  readonly retryOn?: readonly RetryCause[] | null;
  readonly backoff?: { readonly minMs: number; readonly maxMs: number } | null;
  readonly jitter?: Jitter | null;
  readonly retryStreams?: boolean | null;
  readonly circuitBreaker?: BreakerSettings | null;
}

export const DEFAULT_BACKOFF = { minMs: 500, maxMs: 30_000 } as const;

function duration(text: string, what: string): number {
  const ms = parseDurationMs(text.trim());
  if (ms === undefined || ms < 0)
    throw new RangeError(`${what}: expected a duration like 500ms or 30s, got "${text}"`);
  return ms;
}

/** `500ms..30s` → { minMs, maxMs }. */
export function parseBackoff(text: string): { minMs: number; maxMs: number } {
  const parts = text.split('..');
  if (parts.length !== 2) throw new RangeError(`expected MIN..MAX like 500ms..30s, got "${text}"`);
  const minMs = duration(parts[0]!, 'backoff minimum');
  const maxMs = duration(parts[1]!, 'backoff maximum');
  if (minMs <= 0 || maxMs < minMs) throw new RangeError(`expected 0 < MIN ≤ MAX, got "${text}"`);
  if (maxMs > MAX_DURATION_MS) throw new RangeError(`MAX at most 7 days, got "${text}"`);
  return { minMs, maxMs };
}

/** `429,5xx,connection_error,timeout` → taxonomy names. */
export function parseRetryOn(raw: string | readonly string[]): RetryCause[] {
  const words = typeof raw === 'string' ? raw.split(',') : raw;
  const causes = new Set<RetryCause>();
  for (const word of words.map((w) => String(w).trim()).filter((w) => w !== '')) {
    const cause = RETRY_ON_WORDS[word];
    if (cause === undefined)
      throw new RangeError(`unknown retry cause "${word}" (429, 5xx, connection_error, timeout)`);
    causes.add(cause);
  }
  if (causes.size === 0) throw new RangeError('expected at least one retry cause');
  return [...causes];
}

/** `failures=10,window=30s,open=60s,half-open=1` (each key optional but failures). */
export function parseCircuitBreaker(text: string): BreakerSettings {
  const values = new Map<string, string>();
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [key, value, extra] = part.split('=');
    if (key === undefined || value === undefined || extra !== undefined)
      throw new RangeError(`expected key=value pairs like failures=10,window=30s,open=60s, got "${part}"`);
    if (!['failures', 'window', 'open', 'half-open'].includes(key))
      throw new RangeError(`unknown key "${key}" (failures, window, open, half-open)`);
    values.set(key, value);
  }
  const integer = (key: string, fallback: number | undefined): number => {
    const value = values.get(key);
    if (value === undefined && fallback !== undefined) return fallback;
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < 1)
      throw new RangeError(`${key}: expected an integer ≥ 1, got "${value ?? ''}"`);
    return n;
  };
  const time = (key: string, fallback: number): number => {
    const value = values.get(key);
    const ms = value === undefined ? fallback : duration(value, key);
    if (ms <= 0 || ms > MAX_DURATION_MS)
      throw new RangeError(`${key}: expected a duration > 0, at most 7 days`);
    return ms;
  };
  return {
    failures: integer('failures', undefined),
    windowMs: time('window', 30_000),
    openMs: time('open', 60_000),
    halfOpen: integer('half-open', 1),
  };
}

export function isJitter(value: string): value is Jitter {
  return (JITTERS as readonly string[]).includes(value);
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
  const burst = pick('clientBurst') ?? 1;
  const concurrency = pick('maxConcurrency');
  const backoff = pick('backoff') ?? DEFAULT_BACKOFF;
  return {
    clientRate: rate === null || rate === undefined ? null : splitRate(rate, of)[index]!,
    clientBurst: Math.max(1, splitInteger(Math.round(burst), of)[index]!),
    maxConcurrency:
      concurrency === null || concurrency === undefined
        ? null
        : Math.max(1, splitInteger(concurrency, of)[index]!),
    retry: {
      retries: pick('retry') ?? 0,
      retryOn: pick('retryOn') ?? RETRY_CAUSES,
      backoff: { ...backoff, jitter: pick('jitter') ?? 'full' },
      retryStreams: pick('retryStreams') ?? false,
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
