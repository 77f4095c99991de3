/**
 * The client-side controls composed into the request path: every attempt asks the circuit
 * breaker, then waits for a rate-limit token and a concurrency slot (the wait recorded as
 * `queue_wait`, never part of the request's latency), is sent and recorded as a request as usual;
 * a failed attempt is retried per the policy; the logical operation is recorded once at its end.
 */
import { formatDuration } from '../config/units.ts';
import { parseRetryAfterMs, retryDelayMs } from '../controls/backoff.ts';
import { type CircuitBreaker, createCircuitBreaker } from '../controls/circuit-breaker.ts';
import type { RetryCause } from '../controls/options.ts';
import { createSemaphore, type Semaphore } from '../controls/semaphore.ts';
import { type ControlSettings, controlsActive, type RetrySettings } from '../controls/settings.ts';
import { createTokenBucket, LimiterClosedError, type TokenBucket } from '../controls/token-bucket.ts';
import type { RejectionName } from '../metrics/names.ts';
import type { ControlsRecorder } from '../metrics/operations.ts';
import type { RequestResult } from '../metrics/types.ts';
import type { Random } from '../util/random.ts';

/** Overrides of the run's retry policy for one `ctx.withRetry` call. */
export interface RetryOptions {
  readonly retries?: number;
  readonly retryOn?: readonly RetryCause[];
  readonly backoff?: { readonly minMs: number; readonly maxMs: number };
  readonly jitter?: RetrySettings['backoff']['jitter'];
  readonly retryStreams?: boolean;
}

export interface RequestControls {
  /** True when any control is on: requests then go through `operation`. */
  readonly active: boolean;
  /** One logical operation of one request: gated, retried per the run's policy, recorded once. */
  operation(attempt: () => Promise<RequestResult>, identity: Identity): Promise<RequestResult>;
  /** One attempt through the breaker and limiters only (the attempts inside `withRetry`). */
  gate(attempt: () => Promise<RequestResult>, identity: Identity): Promise<RequestResult>;
  /** `ctx.withRetry`: `fn` is one attempt (any number of requests); its value's `ok` is the outcome. */
  withRetry<T>(fn: (attempt: number) => Promise<T>, options?: RetryOptions): Promise<T>;
  /** The run is ending: waiters are rejected, backoff sleeps end (no further retries). */
  close(): void;
  /** What the run should be told once (a Retry-After past the backoff cap). */
  warnings(): string[];
}

/** Method and name of the request, for a rejection's result. */
export interface Identity {
  readonly method: string;
  readonly name: string;
}

export interface RequestControlsDeps {
  readonly settings: ControlSettings;
  readonly recorder: ControlsRecorder;
  readonly random: Random;
  readonly nowMs?: () => number;
  readonly wallClockMs?: () => number;
}

function rejection(identity: Identity, name: RejectionName): RequestResult {
  return {
    method: identity.method,
    name: identity.name,
    ok: false,
    rejected: name,
    message:
      name === 'circuit_open' ? 'refused by the circuit breaker' : 'the run ended while it waited to be sent',
    durationMs: 0,
    contentBytes: 0,
    stream: false,
    events: 0,
    tokens: 0,
  };
}

/** What the value of an attempt says: ok, a taxonomy error, events delivered. */
interface Outcome {
  readonly ok: boolean;
  /** The tool cut the attempt (stop timeout, abort): no verdict on the target. */
  readonly cancelled?: boolean;
  readonly error?: string;
  readonly rejected?: RejectionName;
  readonly events: number;
  readonly retryAfter?: string;
}

/** What an attempt's value says (a RequestResult, or any object with `ok`; anything else is a success). */
function outcomeOf(value: unknown): Outcome {
  if (typeof value !== 'object' || value === null || typeof (value as { ok?: unknown }).ok !== 'boolean')
    return { ok: true, events: 0 };
  return value as Partial<RequestResult> & { ok: boolean; events: number };
}

export function createRequestControls(deps: RequestControlsDeps): RequestControls {
  const { settings, recorder, random } = deps;
  const nowMs = deps.nowMs ?? (() => performance.now());
  const wallClockMs = deps.wallClockMs ?? (() => Date.now());
  const active = controlsActive(settings);
  if (active) recorder.enable();
  const bucket: TokenBucket | undefined =
    settings.clientRate === null
      ? undefined
      : createTokenBucket({ rate: settings.clientRate, burst: settings.clientBurst, nowMs });
  const semaphore: Semaphore | undefined =
    settings.maxConcurrency === null ? undefined : createSemaphore(settings.maxConcurrency);
  let closed = false;
  /** The longest Retry-After past the cap, with that cap (warned once, at the end). */
  let pastCap: { afterMs: number; capMs: number } | undefined;
  /** Refused operations held until the breaker changes state (or close). */
  const held = new Set<() => void>();
  /** Backoff sleeps: only close() cuts them short. */
  const sleeping = new Set<() => void>();
  let halfOpenTimer: NodeJS.Timeout | undefined;
  const wake = (set: Set<() => void>) => {
    for (const waker of [...set]) waker();
  };
  const breaker: CircuitBreaker | undefined =
    settings.circuitBreaker === null
      ? undefined
      : createCircuitBreaker({
          ...settings.circuitBreaker,
          nowMs,
          onStateChange(state) {
            recorder.breaker(state);
            if (halfOpenTimer !== undefined) clearTimeout(halfOpenTimer);
            halfOpenTimer = undefined;
            // The breaker half-opens lazily when asked; ask when the open time is up, so the
            // chart shows it and held rejections return.
            if (state === 'open') askWhenDue(settings.circuitBreaker!.openMs);
            wake(held);
          },
        });

  /**
   * Asks the breaker for its state once its open time is up (the change then clears this timer).
   * A timer may fire a fraction of a millisecond before the monotonic clock says the time is up:
   * then ask again shortly, or held users would wait for a change that nothing triggers.
   */
  function askWhenDue(ms: number): void {
    halfOpenTimer = setTimeout(() => {
      if (breaker?.state() === 'open') askWhenDue(10);
    }, ms);
    halfOpenTimer.unref();
  }

  /** Waits `ms` (or, without, until woken) in `set`; close() ends it early (resolves false then). */
  function pause(set: Set<() => void>, ms?: number): Promise<boolean> {
    if (closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        set.delete(done);
        resolve(!closed);
      };
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      set.add(done);
    });
  }

  async function gate(attempt: () => Promise<RequestResult>, identity: Identity): Promise<RequestResult> {
    const permit = breaker?.tryAcquire() ?? null;
    if (breaker !== undefined && permit === null) {
      // Refused without sending. Returned when the breaker next changes state (or the run ends),
      // so a user looping without think time does not spin on instant rejections.
      await pause(held);
      return rejection(identity, 'circuit_open');
    }
    let release: (() => void) | undefined;
    if (bucket !== undefined || semaphore !== undefined) {
      const began = nowMs();
      try {
        if (bucket !== undefined) await bucket.take();
        if (semaphore !== undefined) release = await semaphore.acquire();
      } catch (error) {
        if (!(error instanceof LimiterClosedError)) throw error;
        if (permit !== null) breaker?.record(permit, true); // frees a half-open probe slot unjudged
        return rejection(identity, 'client_rate_limit');
      }
      recorder.queueWait(nowMs() - began);
    }
    try {
      const result = await attempt();
      // A request the tool cut says nothing about the target's health.
      if (permit !== null) breaker?.record(permit, result.ok || result.cancelled === true);
      return result;
    } finally {
      release?.();
    }
  }

  /** Attempts until one succeeds, is refused, is not retryable, or the retries are used up. */
  async function retried<T>(attempt: (n: number) => Promise<T>, policy: RetrySettings): Promise<T> {
    const began = nowMs();
    let attempts = 0;
    /** The cause of the retry under way: counted once the retry is actually sent. */
    let retrying: RetryCause | undefined;
    for (;;) {
      let value: T;
      try {
        value = await attempt(attempts + 1);
      } catch (error) {
        // Scenario code threw (withRetry): the operation failed; the thrower's error propagates.
        recorder.operation('failed', attempts + 1, nowMs() - began);
        throw error;
      }
      const outcome = outcomeOf(value);
      if (outcome.rejected !== undefined) {
        recorder.operation(outcome.rejected, attempts, nowMs() - began);
        return value;
      }
      attempts++;
      if (retrying !== undefined) recorder.retry(retrying);
      if (outcome.cancelled === true) {
        recorder.operation('cancelled', attempts, nowMs() - began);
        return value;
      }
      retrying = policy.retryOn.find((c) => c === outcome.error);
      const retryable =
        !outcome.ok &&
        retrying !== undefined &&
        attempts <= policy.retries &&
        // A stream that delivered events would deliver them again: its user saw a partial answer.
        (outcome.events === 0 || policy.retryStreams);
      if (retryable) {
        const afterMs = parseRetryAfterMs(outcome.retryAfter, wallClockMs());
        if (afterMs !== undefined && afterMs > policy.backoff.maxMs && afterMs > (pastCap?.afterMs ?? 0))
          pastCap = { afterMs, capMs: policy.backoff.maxMs };
        const delay = retryDelayMs(attempts, policy.backoff, random.next, afterMs);
        if (await pause(sleeping, delay)) continue;
        // The run ended during the backoff: cut by the tool, neither a success nor a failure.
        recorder.operation('cancelled', attempts, nowMs() - began);
        return value;
      }
      recorder.operation(outcome.ok ? 'succeeded' : 'failed', attempts, nowMs() - began);
      return value;
    }
  }

  return {
    active,
    operation: (attempt, identity) => retried(() => gate(attempt, identity), settings.retry),
    gate,
    withRetry(fn, options = {}) {
      recorder.enable();
      const base = settings.retry;
      return retried(fn, {
        retries: options.retries ?? (base.retries > 0 ? base.retries : 3),
        retryOn: options.retryOn ?? base.retryOn,
        backoff: {
          ...base.backoff,
          ...options.backoff,
          ...(options.jitter ? { jitter: options.jitter } : {}),
        },
        retryStreams: options.retryStreams ?? base.retryStreams,
      });
    },
    close() {
      closed = true;
      bucket?.close();
      semaphore?.close();
      if (halfOpenTimer !== undefined) clearTimeout(halfOpenTimer);
      wake(held);
      wake(sleeping);
    },
    warnings: () =>
      pastCap === undefined
        ? []
        : [
            `the server asked to wait up to ${formatDuration(Math.round(pastCap.afterMs / 1000) * 1000)} (Retry-After), past the backoff cap of ${formatDuration(pastCap.capMs)}: retries waited ${formatDuration(pastCap.capMs)} (raise --backoff's MAX to honour it)`,
          ],
  };
}
