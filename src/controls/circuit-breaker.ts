/**
 * A circuit breaker: closed → open after `failures` failures within `windowMs` → half-open once
 * `openMs` has passed, letting `halfOpen` probe requests through → closed when a probe succeeds,
 * open again when one fails. While open, requests are refused at once (`circuit_open`): a client
 * rejection, never a server failure.
 */

export const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

export interface CircuitBreakerOptions {
  /** Failures within the window that open the circuit. */
  readonly failures: number;
  readonly windowMs: number;
  /** How long the circuit stays open before it lets probes through. */
  readonly openMs: number;
  /** Probe requests allowed at once while half-open (default 1). */
  readonly halfOpen?: number;
  /** Monotonic clock in ms (default performance.now). */
  readonly nowMs?: () => number;
  /** Every state change, as it happens. */
  readonly onStateChange?: (state: BreakerState, previous: BreakerState) => void;
}

/** Leave to send one request; hand it back to `record` with the outcome. */
export interface BreakerPermit {
  /** Sent as a half-open probe. */
  readonly probe: boolean;
  /** The breaker's generation when it was granted: outcomes of older permits do not move a newer state. */
  readonly generation: number;
}

export interface CircuitBreaker {
  /** A permit, or null when the circuit refuses (open, or every half-open probe slot taken). */
  tryAcquire(): BreakerPermit | null;
  /** The outcome of a permitted request. */
  record(permit: BreakerPermit, ok: boolean): void;
  /** The state now (an open circuit whose time is up reads as half-open). */
  state(): BreakerState;
}

export function createCircuitBreaker(options: CircuitBreakerOptions): CircuitBreaker {
  const { failures: threshold, windowMs, openMs } = options;
  const halfOpen = options.halfOpen ?? 1;
  for (const [name, value] of [
    ['failures', threshold],
    ['halfOpen', halfOpen],
  ] as const) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`circuit breaker ${name} must be an integer ≥ 1`);
  }
  const nowMs = options.nowMs ?? (() => performance.now());
  let current: BreakerState = 'closed';
  let generation = 0;
  let openedAt = 0;
  let probes = 0;
  /** Failure times in the closed state, oldest first. */
  let recent: number[] = [];

  function move(next: BreakerState): void {
    if (next === current) return;
    const previous = current;
    current = next;
    generation++;
    probes = 0;
    recent = [];
    if (next === 'open') openedAt = nowMs();
    options.onStateChange?.(next, previous);
  }

  function state(): BreakerState {
    if (current === 'open' && nowMs() - openedAt >= openMs) move('half-open');
    return current;
  }

  return {
    tryAcquire() {
      switch (state()) {
        case 'closed':
          return { probe: false, generation };
        case 'open':
          return null;
        case 'half-open':
          if (probes >= halfOpen) return null;
          probes++;
          return { probe: true, generation };
      }
    },
    record(permit, ok) {
      // A request that began in an earlier state says nothing about the present one.
      if (permit.generation !== generation) return;
      if (current === 'half-open') {
        move(ok ? 'closed' : 'open');
        return;
      }
      if (current !== 'closed' || ok) return;
      const now = nowMs();
      recent.push(now);
      while (recent.length > 0 && now - recent[0]! > windowMs) recent.shift();
      if (recent.length >= threshold) move('open');
    },
    state,
  };
}
