/**
 * The client-side controls as options (`--backoff 500ms..30s`, `--circuit-breaker
 * failures=10,window=30s,open=60s,half-open=1`, `--retry-on 429,5xx`, `--jitter`): their value
 * lists, spec parsers and the typed options. Here, below src/controls/, because the option table
 * (fields.ts) parses them; src/controls/ turns them into the settings one process runs with.
 */

import { MAX_DURATION_MS } from '../config/limits.ts';
import { parseDurationMs } from '../config/units.ts';

/** `--jitter` values: the AWS Architecture Blog's "full" and "equal" jitter, or none (controls/backoff.ts). */
export const JITTERS = ['full', 'equal', 'none'] as const;
export type Jitter = (typeof JITTERS)[number];

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
