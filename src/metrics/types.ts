/**
 * The metrics contract between the engine (which records), the merge path (processes and
 * machines) and the reporters (which read a summary). run.json's summary fields are exactly
 * `MetricsSummary`.
 */

import type { LatencyStats } from './histogram.ts';
import type { ErrorName, RejectionName } from './names.ts';
import type { ControlsSecond, OperationsSummary } from './operations.ts';

export type { LatencyStats };

/** Everything the engine knows about one finished request, recorded once. */
export interface RequestResult {
  /** Locust's "Type" column: the HTTP method (GET, POST). */
  readonly method: string;
  /** Locust's "Name" column: usually the path, or a task's own name. */
  readonly name: string;
  readonly ok: boolean;
  /**
   * The tool itself cut the request (stop timeout, abort, run end) before it finished: counted as
   * `cancelled`, never as a request or a failure; what it measured (ttfb, ttfe, events) still counts.
   */
  readonly cancelled?: boolean;
  /** Set when `ok` is false: the one taxonomy name this failure counts under. */
  readonly error?: ErrorName;
  /** Sample message for the error table (first seen per name is kept). */
  readonly message?: string;
  /** Request start → response complete. */
  readonly durationMs: number;
  /** Response body bytes (for streams: the bytes of the event stream). */
  readonly contentBytes: number;
  readonly ttfbMs?: number;
  readonly ttfeMs?: number;
  readonly ttftMs?: number;
  readonly tpotMs?: number;
  readonly streamDurationMs?: number;
  /** True when the response was an event stream (counts toward `streams` and per-stream counts). */
  readonly stream: boolean;
  readonly events: number;
  readonly tokens: number;
  /** Open model only: scheduled start → actual start; latencies are also recorded `+ lag` as `<metric>_scheduled`. */
  readonly scheduleLagMs?: number;
  /** The response's `Retry-After` header, on a failed status only (client-side retries honour it). */
  readonly retryAfter?: string;
  /**
   * Set (with `ok` false and no `error`) when the client-side controls refused the request: it was
   * never sent, is no request and no failure (src/controls/).
   */
  readonly rejected?: RejectionName;
}

export interface CheckCounts {
  readonly passes: number;
  readonly fails: number;
}

/** One second of the generator's own health. */
export interface GeneratorSample {
  readonly loopDelayP50Ms: number;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  /** Share of one core used by this process over the last second, 0..1+ */
  readonly cpu: number;
}

/** min/avg/max of a per-second series. */
export interface RateStats {
  readonly max: number;
  readonly avg: number;
  readonly min: number;
}

/** A row of the Locust-style request table (also the `Aggregated` row, with method ''). */
export interface RequestEntryStats {
  readonly method: string;
  readonly name: string;
  readonly requests: number;
  readonly failures: number;
  readonly avgContentBytes: number;
  /** Over the whole run. */
  readonly rps: number;
  readonly failuresPerSec: number;
  /** request_duration of this entry. */
  readonly duration: LatencyStats;
}

export interface FailureEntry {
  readonly method: string;
  readonly name: string;
  readonly error: ErrorName;
  /** Sample message. */
  readonly message: string;
  readonly occurrences: number;
}

/** Cumulative request_duration stats in ms (stats_history.csv's "Total" columns). */
export interface CumulativeDuration {
  readonly p50: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

/** One second of the run. Counts are for that second; gauges are at its end. */
export interface HistoryRow {
  /** Unix ms at the end of the second. */
  readonly t: number;
  /** Seconds since the run started. */
  readonly elapsedS: number;
  readonly users: number;
  readonly activeConnections: number;
  readonly connectionsOpened: number;
  readonly requests: number;
  readonly failures: number;
  readonly events: number;
  readonly bytes: number;
  readonly tokens: number;
  /** Requests that succeeded and met every `--slo` objective (goodput's numerator). */
  readonly good: number;
  /** Cumulative totals at the end of this second (Locust's history has them). */
  readonly totalRequests: number;
  readonly totalFailures: number;
  /**
   * run.json only (built once at the end): request_duration of every request completed up to
   * this second, Locust's "Total … Response Time" columns; null before the first completion.
   */
  readonly totalDuration?: CumulativeDuration | null;
  /** Percentiles of what completed in this second (null when nothing did). */
  readonly ttfeP50: number | null;
  readonly ttfeP95: number | null;
  readonly durationP50: number | null;
  readonly durationP95: number | null;
  readonly errors: Partial<Record<ErrorName, number>>;
  readonly generator: GeneratorSample | null;
  /** Client-side controls this second (operations, retries, breaker, limiter wait); only with controls on. */
  readonly controls?: ControlsSecond;
  /**
   * run.json only, with `--monitor`: each source's last sample taken within this second (source as
   * written → series → value); absent when no source sampled in it.
   */
  readonly monitor?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Users of each scenario class at the end of the second (absent before the first user). */
  readonly userClasses?: Readonly<Record<string, number>>;
}

export interface MetricsSummary {
  readonly durationS: number;
  readonly totals: {
    readonly requests: number;
    readonly failures: number;
    readonly streams: number;
    readonly events: number;
    readonly bytes: number;
    readonly tokens: number;
    /** Requests that succeeded and met every `--slo` objective (all successes without --slo). */
    readonly good: number;
    /** Requests the tool cut (stop timeout, abort, run end): not in requests, failures or error_rate. */
    readonly cancelled: number;
  };
  /** Share of requests that were good (0..1); null before any request finished. */
  readonly slo_attainment: number | null;
  /** Good requests per second: max/avg/min of the per-second series. */
  readonly goodput: RateStats;
  /** ttfb, ttfe, ttft, tpot, stream_duration, request_duration, inter_event, the count metrics,
   * node_duration.<title>, and `<metric>_scheduled` in open-model runs; only metrics with samples. */
  readonly latency: Record<string, LatencyStats>;
  /** One count per taxonomy name, zeros included. */
  readonly errors: Record<ErrorName, number>;
  readonly errorSamples: Partial<Record<ErrorName, string>>;
  readonly error_rate: number;
  /**
   * Operations that failed after all retries / operations (client-side controls); equal to
   * `error_rate` when no control is on (every request is then its own operation).
   */
  readonly operation_error_rate: number;
  /** The users' view of a run with client-side controls: null when none was on. */
  readonly operations: OperationsSummary | null;
  readonly connections: {
    readonly maxConcurrent: number;
    readonly avgActive: number;
    /** TCP connections the generator opened (with HTTP/2 many streams share one). */
    readonly tcp: number;
    /** Of those, the ones on which ALPN chose HTTP/2. */
    readonly http2: number;
  };
  /** Scenario checks (`ctx.check`) by name. */
  readonly checks: Readonly<Record<string, CheckCounts>>;
  /** The most users of each scenario class running at once (absent when no user ran). */
  readonly userClasses?: Readonly<Record<string, number>>;
  /** Per-second series stats: events/s, completed requests/s, new streams/s. */
  readonly throughput: {
    readonly events: RateStats;
    readonly requests: RateStats;
    readonly connections: RateStats;
  };
  /** One row per (method, name), then the Aggregated row last. */
  readonly requests: readonly RequestEntryStats[];
  readonly failures: readonly FailureEntry[];
  readonly history: readonly HistoryRow[];
  readonly generator: {
    readonly loopDelay: { readonly p50: number; readonly p99: number; readonly max: number };
    readonly cpu: { readonly avg: number; readonly max: number };
  };
}
