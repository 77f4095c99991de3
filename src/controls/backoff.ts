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

/** A Retry-After value in ms from now, or undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, nowWallMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
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
