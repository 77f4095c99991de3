/**
 * The client-side controls as options (`--backoff 500ms..30s`, `--circuit-breaker
 * failures=10,window=30s,open=60s,half-open=1`, `--retry-on 429,5xx`, `--jitter`): their value
 * lists, spec parsers, defaults and the controls' fragment of the option table. settings.ts turns
 * them into the settings one process runs with.
 */

import { MAX_DURATION_MS, MAX_RATE, MAX_USERS } from '../config/limits.ts';
import { option } from '../config/option.ts';
import { formatDuration, parseDurationMs } from '../config/units.ts';
import { amount, count, flag, oneOf, spec } from '../config/values.ts';

/** `--jitter` values: the AWS Architecture Blog's "full" and "equal" jitter, or none (controls/backoff.ts). */
export const JITTERS = ['full', 'equal', 'none'] as const;
export type Jitter = (typeof JITTERS)[number];

/** What a retry can be for: taxonomy names (docs/metrics.md). */
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

/** `--connection-backoff`: MIN..MAX, or `off` (maxMs 0: a user retries at once, as before). */
export function parseConnectionBackoff(text: string): { minMs: number; maxMs: number } {
  return text.trim() === 'off' ? { minMs: 0, maxMs: 0 } : parseBackoff(text);
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

/**
 * What a control is when neither the run nor the scenario gives it (settings.ts applies them; the
 * help shows them). The rate, concurrency and circuit breaker are off.
 */
export const CONTROL_DEFAULTS = {
  clientBurst: 1,
  retry: 0,
  retryOn: RETRY_CAUSES,
  backoff: { minMs: 500, maxMs: 30_000 },
  jitter: 'full',
  retryStreams: false,
} as const satisfies ControlOptions;

const retryOn = spec(parseRetryOn, {
  schema: { type: 'array', items: { type: 'string', enum: RETRY_CAUSES } },
  show: (causes) => causes.join(','),
  example: '429,5xx',
});
const backoff = spec(parseBackoff, {
  schema: {
    type: 'object',
    properties: { minMs: { type: 'number', minimum: 0 }, maxMs: { type: 'number', minimum: 0 } },
  },
  show: (b) => `${formatDuration(b.minMs)}..${formatDuration(b.maxMs)}`,
  example: '1s..10s',
});
const jitter = oneOf(JITTERS);
const circuitBreaker = spec(parseCircuitBreaker, {
  schema: {
    type: 'object',
    properties: {
      failures: { type: 'integer', minimum: 1 },
      windowMs: { type: 'number', minimum: 0 },
      openMs: { type: 'number', minimum: 0 },
      halfOpen: { type: 'integer', minimum: 1 },
    },
  },
  show: (b) =>
    `failures=${b.failures},window=${formatDuration(b.windowMs)},open=${formatDuration(b.openMs)},half-open=${b.halfOpen}`,
  example: 'failures=5,window=10s,open=30s',
});

/**
 * The controls' options: null unless given, so a scenario's own `controls` apply; what neither
 * sets is CONTROL_DEFAULTS (shown in the help from the values).
 */
export const CONTROL_OPTIONS = {
  clientRate: option({
    arg: 'r',
    help: 'client-side token bucket: at most r requests per second over the run (waits are queue_wait)',
    value: amount(0.001, MAX_RATE),
    default: null,
  }),
  clientBurst: option({
    arg: 'n',
    help: 'token bucket size: requests that may go at once after a quiet spell',
    value: count(1, MAX_USERS),
    default: null,
    defaultHelp: String(CONTROL_DEFAULTS.clientBurst),
  }),
  maxConcurrency: option({
    arg: 'n',
    help: 'at most n requests in flight across all users (a semaphore; waits are queue_wait)',
    value: count(1, MAX_USERS),
    default: null,
  }),
  retry: option({
    arg: 'n',
    help: 'retry a failed request up to n times, at most 100 (every attempt is a request)',
    value: count(0, 100),
    default: null,
    defaultHelp: String(CONTROL_DEFAULTS.retry),
  }),
  retryOn: option({
    arg: 'list',
    help: 'what is retried: 429,5xx,connection_error,timeout',
    value: retryOn,
    default: null,
    defaultHelp: retryOn.show([...CONTROL_DEFAULTS.retryOn]),
  }),
  backoff: option({
    arg: 'min..max',
    help: 'exponential backoff between retries; caps Retry-After too',
    value: backoff,
    default: null,
    defaultHelp: backoff.show(CONTROL_DEFAULTS.backoff),
  }),
  jitter: option({
    arg: 'kind',
    help: `backoff jitter: ${JITTERS.join(' | ')}`,
    value: jitter,
    default: null,
    defaultHelp: jitter.show(CONTROL_DEFAULTS.jitter),
  }),
  retryStreams: option({
    help: 'also retry a stream that already delivered events (it starts over)',
    value: flag,
    default: null,
  }),
  circuitBreaker: option({
    arg: 'spec',
    help: 'failures=N,window=DUR,open=DUR[,half-open=N]: refuse requests (circuit_open) after N failures',
    value: circuitBreaker,
    default: null,
  }),
};
