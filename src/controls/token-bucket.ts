/**
 * A token bucket: `rate` tokens per second, at most `burst` saved up. A caller reserves a token and
 * waits until its turn; reservations queue in call order (the balance goes negative), so a burst of
 * callers is spread at exactly `rate` per second instead of racing for each new token.
 */

export interface TokenBucketOptions {
  /** Tokens per second (> 0). */
  readonly rate: number;
  /** Most tokens held at once, and what the bucket starts with (default 1: strict pacing). */
  readonly burst?: number;
  /** Monotonic clock in ms (default performance.now). */
  readonly nowMs?: () => number;
}

/** Thrown to waiters when the bucket is closed (the run ended while they queued). */
export class LimiterClosedError extends Error {
  readonly code = 'LIMITER_CLOSED';
}

export interface TokenBucket {
  /** Takes one token now or books the next free one: ms until it may be used (0 = now). */
  reserve(): number;
  /** Waits for a token; resolves with the ms waited. Rejects with LimiterClosedError after close(). */
  take(): Promise<number>;
  /** Tokens available now (negative: that many reservations are queued). */
  available(): number;
  /** Rejects every waiter and all later takes. */
  close(): void;
}

export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { rate } = options;
  const burst = options.burst ?? 1;
  if (!(rate > 0) || !Number.isFinite(rate))
    throw new RangeError(`token bucket rate must be > 0, got ${rate}`);
  if (!(burst >= 1)) throw new RangeError(`token bucket burst must be ≥ 1, got ${burst}`);
  const nowMs = options.nowMs ?? (() => performance.now());
  let tokens = burst;
  let last = nowMs();
  let closed = false;
  const waiting = new Map<NodeJS.Timeout, (error: Error) => void>();

  function refill(): void {
    const now = nowMs();
    tokens = Math.min(burst, tokens + ((now - last) * rate) / 1000);
    last = now;
  }

  const bucket: TokenBucket = {
    reserve() {
      refill();
      tokens -= 1;
      return tokens >= 0 ? 0 : (-tokens * 1000) / rate;
    },
    take() {
      if (closed) return Promise.reject(new LimiterClosedError('the rate limiter is closed'));
      const waitMs = bucket.reserve();
      if (waitMs <= 0) return Promise.resolve(0);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(timer);
          resolve(waitMs);
        }, waitMs);
        waiting.set(timer, reject);
      });
    },
    available() {
      refill();
      return tokens;
    },
    close() {
      closed = true;
      for (const [timer, reject] of waiting) {
        clearTimeout(timer);
        reject(new LimiterClosedError('the run ended while this request waited for a rate-limit token'));
      }
      waiting.clear();
    },
  };
  return bucket;
}
