/**
 * Exponential backoff with jitter (the AWS Architecture Blog's "full" and "equal" jitter), and the
 * `Retry-After` header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date).
 */

import type { Jitter } from './options.ts';

export interface BackoffPolicy {
  /** Delay before the first retry (before jitter). */
  readonly minMs: number;
  /** Cap of every delay, a server's Retry-After included. */
  readonly maxMs: number;
  readonly jitter: Jitter;
}

/**
 * The delay before retry number `retry` (1 = the first retry): min × 2^(retry−1), capped at max,
 * then jittered. `random` returns [0, 1) (seeded in the engine, so runs are reproducible).
 * Without jitter, many clients failing together retry together: the thundering herd.
 */
export function backoffDelayMs(retry: number, policy: BackoffPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxMs, policy.minMs * 2 ** Math.max(0, retry - 1));
  switch (policy.jitter) {
    case 'full':
      return random() * exponential;
    case 'equal':
      return exponential / 2 + random() * (exponential / 2);
    case 'none':
      return exponential;
  }
}

/**
 * RFC 9110 §5.6.7 HTTP-date: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and the two obsolete
 * forms a recipient must accept (rfc850 `Sunday, 06-Nov-94 08:49:37 GMT`, asctime
 * `Sun Nov  6 08:49:37 1994`). Anything else — `-5`, `1.5`, `soon`, a bare year — is not a date,
 * even where `Date.parse` would read one.
 */
const HTTP_DATE = [
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/,
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/,
];

/**
 * A Retry-After value in ms from now (RFC 9110 §10.2.3: delay-seconds = 1*DIGIT, or an
 * HTTP-date), or undefined when absent or invalid: an invalid one is ignored and the backoff
 * applies (a `-5` read as "retry now" made a retry storm).
 */
export function parseRetryAfterMs(value: string | undefined, nowWallMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!HTTP_DATE.some((form) => form.test(text))) return undefined;
  // asctime carries no zone: it is GMT (RFC 9110 §5.6.7).
  const at = Date.parse(/GMT$/.test(text) ? text : `${text} GMT`);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowWallMs);
}

/** The wait before the next retry: the server's Retry-After when it sent one (capped), else backoff. */
export function retryDelayMs(
  retry: number,
  policy: BackoffPolicy,
  random: () => number,
  retryAfterMs: number | undefined,
): number {
  if (retryAfterMs !== undefined) return Math.min(policy.maxMs, retryAfterMs);
  return backoffDelayMs(retry, policy, random);
}
