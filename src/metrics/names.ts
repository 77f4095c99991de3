/**
 * The one list of names for metrics and errors. JSON, CSV, thresholds, Prometheus and the UI all
 * use these strings unchanged.
 */

/** The error taxonomy (docs/metrics.md). Every failure is counted once, under one of these. */
export const ERROR_NAMES = [
  'connection_error',
  'timeout',
  'http_4xx',
  'http_5xx',
  'rate_limited',
  'invalid_response',
  'invalid_json',
  'stream_error',
  'early_termination',
  'event_too_large',
  'body_too_large',
] as const;
export type ErrorName = (typeof ERROR_NAMES)[number];

/** Latency metrics recorded in milliseconds (stored in microseconds in the histograms). */
export const LATENCY_METRICS = [
  'ttfb',
  'ttfe',
  'ttft',
  'tpot',
  'stream_duration',
  'request_duration',
  'inter_event',
  // Client-side controls (src/controls/): a logical operation's first attempt → final outcome,
  // and a request's wait for a rate-limit token or a concurrency slot (never part of its latency).
  'operation_duration',
  'queue_wait',
  // Dify: the server's own time for a whole run (`workflow_finished.data.elapsed_time`), beside
  // request_duration, which adds queueing, relay and network.
  'workflow_elapsed',
] as const;
export type LatencyMetric = (typeof LATENCY_METRICS)[number];

/** Per-stream counts, recorded as plain integers. */
export const COUNT_METRICS = [
  'events_per_stream',
  'bytes_per_stream',
  'tokens_per_stream',
  'attempts_per_operation',
] as const;
export type CountMetric = (typeof COUNT_METRICS)[number];

/**
 * Dify workflows: `node_duration.<node title>` is the server's own node time
 * (`node_finished.data.elapsed_time`), or the client-side gap when the event has none.
 */
export const NODE_DURATION_PREFIX = 'node_duration.';
/**
 * `node_gap.<node title>`: node_started → node_finished as they reached the client. On Dify ≥ 1.11
 * a streaming run executes in a Celery worker and every event crosses Redis to the API process,
 * so the gap minus node_duration is relay and queueing delay inside Dify.
 */
export const NODE_GAP_PREFIX = 'node_gap.';
/** The per-node series families, each one name per node title under `--max-series`. */
export const NODE_SERIES_PREFIXES = [NODE_DURATION_PREFIX, NODE_GAP_PREFIX] as const;

/** Open-model runs also measure these from the scheduled start: `<metric>_scheduled`. */
export const SCHEDULED_SUFFIX = '_scheduled';

/** Percentiles reported everywhere, in this order, then max. */
export const PERCENTILES = [50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99] as const;

/**
 * Client-side rejections of the controls: an operation the tool itself refused, never sent. Not
 * failures: they never enter `failures` or `error_rate` (docs/metrics.md). `circuit_open`: the circuit
 * breaker was open; `client_rate_limit`: the run ended while it waited for a token or a slot.
 */
export const REJECTION_NAMES = ['circuit_open', 'client_rate_limit'] as const;
export type RejectionName = (typeof REJECTION_NAMES)[number];

/** The breaker's states in the order a merge takes the worst of: closed < half-open < open. */
export const BREAKER_LEVELS = ['closed', 'half-open', 'open'] as const;
export type BreakerLevel = (typeof BREAKER_LEVELS)[number];
