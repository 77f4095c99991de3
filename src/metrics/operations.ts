/**
 * The users' view next to the server's: with client-side controls (src/controls/) one logical
 * operation may be several requests (retries) or none (a rejection). Each attempt is a request in
 * the recorder as usual; here each operation is counted once, with retries by cause, rejections,
 * the breaker's state changes and the limiter's waits: totals and one row per second, all plain
 * integers or histograms so processes merge exactly.
 */
import { recordCount, recordMs, toMicros } from './histogram.ts';
import type { LiveHistograms } from './live-histograms.ts';
import {
  BREAKER_LEVELS,
  type BreakerLevel,
  type ErrorName,
  REJECTION_NAMES,
  type RejectionName,
} from './names.ts';

/**
 * `cancelled`: the tool cut it (the run ended during a backoff, or its request was cut at the stop
 * timeout). With `client_rate_limit` (cut while queued for a token or slot) it is left out of the
 * operation rates: neither is something the target or the user did.
 */
export type OperationOutcome = 'succeeded' | 'failed' | 'cancelled' | RejectionName;

// In names.ts (no imports), so the web UI's browser bundle can use them without the histogram library.
export { BREAKER_LEVELS, type BreakerLevel } from './names.ts';

export interface ControlsTotals {
  readonly operations: number;
  readonly succeeded: number;
  /** Succeeded on a retry (included in `succeeded`). */
  readonly succeededAfterRetry: number;
  /** Server failures: the last attempt failed (retried or not). */
  readonly failed: number;
  /** Failed although retried (included in `failed`): every retry the policy allowed was used. */
  readonly failedAfterRetries: number;
  readonly rejections: Readonly<Record<RejectionName, number>>;
  readonly cancelled: number;
  /** Retries by the cause of the attempt that was retried (taxonomy names). */
  readonly retries: Readonly<Partial<Record<ErrorName, number>>>;
  readonly breaker: { readonly opens: number; readonly halfOpens: number; readonly closes: number };
  /** Requests that waited for a token or a slot, and the total wait (integer µs: exact merges). */
  readonly queueWaits: number;
  readonly queueWaitUs: number;
}

/** One second of the controls, a field of the history row (`controls`). */
export interface ControlsSecond {
  readonly operations: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly rejected: number;
  readonly retries: number;
  readonly queueWaits: number;
  readonly queueWaitUs: number;
  /** The worst breaker state during the second (over processes: the worst of any). */
  readonly breaker: BreakerLevel;
  readonly breakerOpens: number;
}

export interface ControlsRecorder {
  /** Controls are on for this run: totals and rows are reported even while still zero. */
  enable(): void;
  /** One logical operation, at its final outcome. */
  operation(outcome: OperationOutcome, attempts: number, durationMs: number): void;
  /** A retry is about to be made for an attempt that failed with `cause`. */
  retry(cause: ErrorName): void;
  /** A request waited `ms` for a rate-limit token or a concurrency slot before it was sent. */
  queueWait(ms: number): void;
  /** The circuit breaker moved to `state`. */
  breaker(state: BreakerLevel): void;
  /** Closes the current second (with the recorder's tick); undefined while disabled. */
  closeSecond(): ControlsSecond | undefined;
  snapshot(): ControlsTotals | undefined;
  reset(): void;
}

interface Counts {
  operations: number;
  succeeded: number;
  succeededAfterRetry: number;
  failed: number;
  failedAfterRetries: number;
  rejections: Record<RejectionName, number>;
  cancelled: number;
  retries: Partial<Record<ErrorName, number>>;
  retriesTotal: number;
  opens: number;
  halfOpens: number;
  closes: number;
  queueWaits: number;
  queueWaitUs: number;
}

function newCounts(): Counts {
  return {
    operations: 0,
    succeeded: 0,
    succeededAfterRetry: 0,
    failed: 0,
    failedAfterRetries: 0,
    rejections: { circuit_open: 0, client_rate_limit: 0 },
    cancelled: 0,
    retries: {},
    retriesTotal: 0,
    opens: 0,
    halfOpens: 0,
    closes: 0,
    queueWaits: 0,
    queueWaitUs: 0,
  };
}

const level = (state: BreakerLevel): number => BREAKER_LEVELS.indexOf(state);

export function createControlsRecorder(histograms: LiveHistograms): ControlsRecorder {
  let enabled = false;
  let total = newCounts();
  let second = newCounts();
  let breakerNow: BreakerLevel = 'closed';
  let breakerWorst: BreakerLevel = 'closed';

  const both = (update: (c: Counts) => void): void => {
    update(total);
    update(second);
  };

  return {
    enable() {
      enabled = true;
    },
    operation(outcome, attempts, durationMs) {
      enabled = true;
      both((c) => {
        c.operations++;
        if (outcome === 'succeeded') {
          c.succeeded++;
          if (attempts > 1) c.succeededAfterRetry++;
        } else if (outcome === 'failed') {
          c.failed++;
          if (attempts > 1) c.failedAfterRetries++;
        } else if (outcome === 'cancelled') c.cancelled++;
        else c.rejections[outcome]++;
      });
      // A rejected operation sent nothing: its "duration" is no user-facing latency.
      if (attempts > 0) {
        recordMs(histograms.slot('operation_duration').histogram, durationMs);
        recordCount(histograms.slot('attempts_per_operation').histogram, attempts);
      }
    },
    retry(cause) {
      both((c) => {
        c.retries[cause] = (c.retries[cause] ?? 0) + 1;
        c.retriesTotal++;
      });
    },
    queueWait(ms) {
      const us = toMicros(ms);
      both((c) => {
        c.queueWaits++;
        c.queueWaitUs += us;
      });
      histograms.slot('queue_wait').histogram.recordValue(us);
    },
    breaker(state) {
      if (state === breakerNow) return;
      breakerNow = state;
      if (level(state) > level(breakerWorst)) breakerWorst = state;
      both((c) => {
        if (state === 'open') c.opens++;
        else if (state === 'half-open') c.halfOpens++;
        else c.closes++;
      });
    },
    closeSecond() {
      if (!enabled) return undefined;
      const row: ControlsSecond = {
        operations: second.operations,
        succeeded: second.succeeded,
        failed: second.failed,
        rejected: second.rejections.circuit_open + second.rejections.client_rate_limit,
        retries: second.retriesTotal,
        queueWaits: second.queueWaits,
        queueWaitUs: second.queueWaitUs,
        breaker: breakerWorst,
        breakerOpens: second.opens,
      };
      second = newCounts();
      breakerWorst = breakerNow;
      return row;
    },
    snapshot() {
      if (!enabled) return undefined;
      return {
        operations: total.operations,
        succeeded: total.succeeded,
        succeededAfterRetry: total.succeededAfterRetry,
        failed: total.failed,
        failedAfterRetries: total.failedAfterRetries,
        rejections: { ...total.rejections },
        cancelled: total.cancelled,
        retries: { ...total.retries },
        breaker: { opens: total.opens, halfOpens: total.halfOpens, closes: total.closes },
        queueWaits: total.queueWaits,
        queueWaitUs: total.queueWaitUs,
      };
    },
    reset() {
      total = newCounts();
      second = newCounts();
      breakerWorst = breakerNow;
    },
  };
}

const sum = <T>(items: readonly T[], pick: (item: T) => number): number =>
  items.reduce((t, item) => t + pick(item), 0);

/** Totals of recorders that ran side by side; undefined when none had controls on. */
export function mergeControlsTotals(
  parts: readonly (ControlsTotals | undefined)[],
): ControlsTotals | undefined {
  const present = parts.filter((p): p is ControlsTotals => p !== undefined);
  if (present.length <= 1) return present[0];
  const retries: Partial<Record<ErrorName, number>> = {};
  for (const part of present) {
    for (const [cause, n] of Object.entries(part.retries) as [ErrorName, number][]) {
      retries[cause] = (retries[cause] ?? 0) + n;
    }
  }
  const rejections = {} as Record<RejectionName, number>;
  for (const name of REJECTION_NAMES) rejections[name] = sum(present, (p) => p.rejections[name]);
  return {
    operations: sum(present, (p) => p.operations),
    succeeded: sum(present, (p) => p.succeeded),
    succeededAfterRetry: sum(present, (p) => p.succeededAfterRetry),
    failed: sum(present, (p) => p.failed),
    failedAfterRetries: sum(present, (p) => p.failedAfterRetries),
    rejections,
    cancelled: sum(present, (p) => p.cancelled),
    retries,
    breaker: {
      opens: sum(present, (p) => p.breaker.opens),
      halfOpens: sum(present, (p) => p.breaker.halfOpens),
      closes: sum(present, (p) => p.breaker.closes),
    },
    queueWaits: sum(present, (p) => p.queueWaits),
    queueWaitUs: sum(present, (p) => p.queueWaitUs),
  };
}

/** One second of several recorders: counts summed, the worst breaker state. */
export function mergeControlsSeconds(
  rows: readonly (ControlsSecond | undefined)[],
): ControlsSecond | undefined {
  const present = rows.filter((r): r is ControlsSecond => r !== undefined);
  if (present.length <= 1) return present[0];
  return {
    operations: sum(present, (r) => r.operations),
    succeeded: sum(present, (r) => r.succeeded),
    failed: sum(present, (r) => r.failed),
    rejected: sum(present, (r) => r.rejected),
    retries: sum(present, (r) => r.retries),
    queueWaits: sum(present, (r) => r.queueWaits),
    queueWaitUs: sum(present, (r) => r.queueWaitUs),
    breaker: BREAKER_LEVELS[Math.max(...present.map((r) => level(r.breaker)))]!,
    breakerOpens: sum(present, (r) => r.breakerOpens),
  };
}

/**
 * The users' view in run.json (`operations`). The rates are shares of the operations the run's end
 * did not cut (succeeded + failed + circuit_open) and add up to 1.
 */
export interface OperationsSummary {
  /** Every operation, the cut ones included: with no refusals, total = requests − retries. */
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Refused by the client: circuit_open + client_rate_limit. */
  readonly rejected: number;
  /** Cut by the tool: the run ended during a backoff, or the attempt was cut at the stop timeout. */
  readonly cancelled: number;
  readonly success_rate: number;
  /** Server failures after all retries / operations: what `operation_error_rate` thresholds read. */
  readonly error_rate: number;
  /** circuit_open / operations. */
  readonly rejection_rate: number;
  readonly succeededAfterRetry: number;
  readonly failedAfterRetries: number;
  readonly retries: {
    readonly total: number;
    readonly byCause: Readonly<Partial<Record<ErrorName, number>>>;
  };
  readonly rejections: Readonly<Record<RejectionName, number>>;
  readonly circuitBreaker: { readonly opens: number; readonly halfOpens: number; readonly closes: number };
  /** Mean wait of the requests that waited for a token or a slot (the distribution: latency.queue_wait). */
  readonly queueWait: { readonly count: number; readonly avgMs: number };
}

export function summarizeOperations(totals: ControlsTotals): OperationsSummary {
  const rejected = sum(REJECTION_NAMES, (name) => totals.rejections[name]);
  const decided = totals.succeeded + totals.failed + totals.rejections.circuit_open;
  const share = (n: number) => (decided > 0 ? n / decided : 0);
  return {
    total: totals.operations,
    succeeded: totals.succeeded,
    failed: totals.failed,
    rejected,
    cancelled: totals.cancelled,
    success_rate: share(totals.succeeded),
    error_rate: share(totals.failed),
    rejection_rate: share(totals.rejections.circuit_open),
    succeededAfterRetry: totals.succeededAfterRetry,
    failedAfterRetries: totals.failedAfterRetries,
    retries: { total: sum(Object.values(totals.retries), (n) => n ?? 0), byCause: { ...totals.retries } },
    rejections: { ...totals.rejections },
    circuitBreaker: { ...totals.breaker },
    queueWait: {
      count: totals.queueWaits,
      avgMs: totals.queueWaits > 0 ? totals.queueWaitUs / totals.queueWaits / 1000 : 0,
    },
  };
}
