/**
 * GET /metrics: the current run in the Prometheus text exposition format (version 0.0.4).
 *
 * Written by hand rather than with prom-client: our numbers are already exact (merged HDR
 * histograms, counters from the recorder), and prom-client's Summary would re-estimate quantiles
 * from re-fed observations. The format is a few lines of text.
 *
 * Latencies are histograms (`streamload_ttft_seconds_bucket{le}`, `_sum`, `_count`), so PromQL's
 * histogram_quantile works across workers and pods; the exact HDR quantiles of this process stay
 * as summaries named `…_exact_seconds`.
 */

import { cumulativeCounts, decodeHistogram } from '../metrics/histogram.ts';
import {
  COUNT_METRICS,
  ERROR_NAMES,
  NODE_DURATION_PREFIX,
  NODE_GAP_PREFIX,
  REJECTION_NAMES,
  SCHEDULED_SUFFIX,
} from '../metrics/names.ts';
import { BREAKER_LEVELS } from '../metrics/operations.ts';
import { AGGREGATED } from '../metrics/summary.ts';
import type { LatencyStats, MetricsSummary } from '../metrics/types.ts';
import { METRIC_DEFINITIONS } from '../report/markdown.ts';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface PrometheusInput {
  /** The latest summary of the current (or last) run; absent before the first run. */
  readonly summary: MetricsSummary | undefined;
  /** The same run's encoded HDR histograms by metric (µs for latencies): the `_bucket` counts. */
  readonly histograms?: Readonly<Record<string, string>>;
  readonly users: number;
  readonly activeConnections: number;
  readonly running: boolean;
}

const QUANTILES = [
  ['0.5', 'p50'],
  ['0.9', 'p90'],
  ['0.95', 'p95'],
  ['0.99', 'p99'],
  ['0.999', 'p99.9'],
] as const;

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

function labels(pairs: Record<string, string>): string {
  const entries = Object.entries(pairs);
  return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

/**
 * Bucket bounds for LLM-serving latencies (seconds): a first token in 5 ms from a cache to minutes
 * for a long generation. Counts per stream (events, tokens, bytes) get their own powers of ten.
 */
export const LATENCY_BUCKETS_S: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
];
export const COUNT_BUCKETS: readonly number[] = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000, 1_000_000,
];

/** Collects families so each gets its HELP and TYPE line once, before its samples. */
class Exposition {
  private readonly lines: string[] = [];
  family(name: string, type: 'counter' | 'gauge' | 'summary' | 'histogram', help: string): this {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    return this;
  }
  sample(name: string, value: number, pairs: Record<string, string> = {}): this {
    // 9 significant digits: microsecond-exact for latencies, no float noise like 0.058591000000000004.
    const text = Number.isFinite(value) ? String(Number(value.toPrecision(9))) : 'NaN';
    this.lines.push(`${name}${labels(pairs)} ${text}`);
    return this;
  }
  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** The per-node series, one Prometheus summary each, the node title as label. */
const NODE_FAMILIES: readonly (readonly [string, string, string])[] = [
  [
    NODE_DURATION_PREFIX,
    'streamload_node_duration_seconds',
    "Dify node time, the server's elapsed_time (else node_started → node_finished as received), by node title (seconds)",
  ],
  [
    NODE_GAP_PREFIX,
    'streamload_node_gap_seconds',
    'Dify node_started → node_finished as received (node time plus relay inside Dify), by node title (seconds)',
  ],
];

/** `ttfe` → streamload_ttfe_seconds; `node_duration.LLM` → streamload_node_duration_seconds{node="LLM"}. */
function summaryName(metric: string): {
  name: string;
  pairs: Record<string, string>;
  scale: number;
  help: string;
} {
  for (const [prefix, name, help] of NODE_FAMILIES)
    if (metric.startsWith(prefix))
      return { name, pairs: { node: metric.slice(prefix.length) }, scale: 1e-3, help };
  const scheduled = metric.endsWith(SCHEDULED_SUFFIX);
  const base = scheduled ? metric.slice(0, -SCHEDULED_SUFFIX.length) : metric;
  const definition = METRIC_DEFINITIONS.find(([name]) => name === base)?.[1] ?? base.replace(/_/g, ' ');
  const help = `${definition}${scheduled ? ', measured from the scheduled start' : ''}`;
  return (COUNT_METRICS as readonly string[]).includes(base)
    ? { name: `streamload_${metric}`, pairs: {}, scale: 1, help }
    : { name: `streamload_${metric}_seconds`, pairs: {}, scale: 1e-3, help: `${help} (seconds)` };
}

interface Series {
  readonly metric: string;
  readonly pairs: Record<string, string>;
  readonly scale: number;
  readonly stats: LatencyStats;
}

/** The latency metrics grouped into families (node durations share one, labelled by node). */
function families(latency: Record<string, LatencyStats>): Map<string, { help: string; series: Series[] }> {
  const byName = new Map<string, { help: string; series: Series[] }>();
  for (const [metric, stats] of Object.entries(latency)) {
    const { name, pairs, scale, help } = summaryName(metric);
    const family = byName.get(name) ?? { help, series: [] };
    family.series.push({ metric, pairs, scale, stats });
    byName.set(name, family);
  }
  return byName;
}

/** `streamload_ttft_seconds` → `streamload_ttft_exact_seconds` (`…_events_per_stream` → `…_events_per_stream_exact`). */
function exactName(name: string): string {
  return name.endsWith('_seconds') ? `${name.slice(0, -'_seconds'.length)}_exact_seconds` : `${name}_exact`;
}

/** Cumulative bucket counts from the run's HDR histograms: histogram_quantile works on merged series. */
function addHistograms(
  out: Exposition,
  latency: Record<string, LatencyStats>,
  histograms: Readonly<Record<string, string>>,
): void {
  for (const [name, { help, series }] of families(latency)) {
    const present = series.filter((s) => histograms[s.metric] !== undefined);
    if (present.length === 0) continue;
    out.family(name, 'histogram', help);
    for (const { metric, pairs, scale, stats } of present) {
      const latencyMetric = scale !== 1;
      const bounds = latencyMetric ? LATENCY_BUCKETS_S : COUNT_BUCKETS;
      // Latencies are recorded in µs: a bound of s seconds is s × 1e6 there.
      const counts = cumulativeCounts(
        decodeHistogram(histograms[metric] as string),
        bounds.map((b) => (latencyMetric ? b * 1e6 : b)),
      );
      bounds.forEach((le, i) => {
        out.sample(`${name}_bucket`, counts[i] as number, { ...pairs, le: String(le) });
      });
      out.sample(`${name}_bucket`, stats.count, { ...pairs, le: '+Inf' });
      out.sample(`${name}_sum`, stats.mean * stats.count * scale, pairs);
      out.sample(`${name}_count`, stats.count, pairs);
    }
  }
}

function addSummaries(out: Exposition, latency: Record<string, LatencyStats>): void {
  for (const [histogramName, { help, series }] of families(latency)) {
    const name = exactName(histogramName);
    out.family(name, 'summary', `${help}; exact HDR quantiles of this process`);
    for (const { pairs, scale, stats } of series) {
      for (const [q, key] of QUANTILES) out.sample(name, stats[key] * scale, { ...pairs, quantile: q });
      out.sample(`${name}_sum`, stats.mean * stats.count * scale, pairs);
      out.sample(`${name}_count`, stats.count, pairs);
    }
  }
}

/** The users' view of client-side controls, beside the requests (the server's view). */
function addOperations(out: Exposition, s: MetricsSummary): void {
  const ops = s.operations!;
  out.family(
    'streamload_operations_total',
    'counter',
    'Logical operations by final outcome (client-side controls)',
  );
  out.sample('streamload_operations_total', ops.succeeded, { outcome: 'succeeded' });
  out.sample('streamload_operations_total', ops.failed, { outcome: 'failed' });
  for (const reason of REJECTION_NAMES) {
    out.sample('streamload_operations_total', ops.rejections[reason], { outcome: reason });
  }
  out.family('streamload_retries_total', 'counter', 'Retries by the error of the attempt retried');
  for (const [cause, n] of Object.entries(ops.retries.byCause))
    out.sample('streamload_retries_total', n ?? 0, { cause });
  out.family('streamload_circuit_breaker_opens_total', 'counter', 'Times the circuit breaker opened');
  out.sample('streamload_circuit_breaker_opens_total', ops.circuitBreaker.opens);
  const state = s.history.at(-1)?.controls?.breaker;
  out.family(
    'streamload_circuit_breaker_state',
    'gauge',
    'Circuit breaker in the last second: 0 closed, 1 half-open, 2 open',
  );
  out.sample('streamload_circuit_breaker_state', state === undefined ? 0 : BREAKER_LEVELS.indexOf(state));
}

export function renderPrometheus(input: PrometheusInput): string {
  const out = new Exposition();
  const s = input.summary;
  out.family('streamload_running', 'gauge', 'Whether a load test is running (1) or not (0)');
  out.sample('streamload_running', input.running ? 1 : 0);
  out.family('streamload_users', 'gauge', 'Virtual users currently running');
  out.sample('streamload_users', input.users);
  out.family('streamload_active_connections', 'gauge', 'Requests (streams) currently open');
  out.sample('streamload_active_connections', input.activeConnections);

  // A family's samples must follow its own HELP/TYPE, never interleaved with another family's.
  const entries = (s?.requests ?? []).filter((row) => !(row.name === AGGREGATED && row.method === ''));
  out.family('streamload_requests_total', 'counter', 'Finished requests by method and name');
  for (const row of entries) {
    out.sample('streamload_requests_total', row.requests, { method: row.method, name: row.name });
  }
  out.family('streamload_request_failures_total', 'counter', 'Failed requests by method and name');
  for (const row of entries) {
    out.sample('streamload_request_failures_total', row.failures, { method: row.method, name: row.name });
  }
  out.family('streamload_failures_total', 'counter', 'Failures by error name (the streamload taxonomy)');
  for (const error of ERROR_NAMES) out.sample('streamload_failures_total', s?.errors[error] ?? 0, { error });

  const totals = [
    ['streamload_streams_total', 'Event streams opened', s?.totals.streams],
    ['streamload_events_total', 'SSE events received', s?.totals.events],
    ['streamload_bytes_total', 'Response body bytes received', s?.totals.bytes],
    ['streamload_tokens_total', 'Output tokens (from usage, else one per content chunk)', s?.totals.tokens],
    [
      'streamload_cancelled_total',
      'Requests streamload itself cut (stop timeout, abort, run end): not failures',
      s?.totals.cancelled,
    ],
  ] as const;
  for (const [name, help, value] of totals) out.family(name, 'counter', help).sample(name, value ?? 0);
  out
    .family(
      'streamload_good_requests_total',
      'counter',
      'Requests that succeeded and met every --slo objective (rate() of it is goodput)',
    )
    .sample('streamload_good_requests_total', s?.totals.good ?? 0);
  if (s?.slo_attainment !== undefined && s.slo_attainment !== null) {
    out
      .family('streamload_slo_attainment', 'gauge', 'Share of requests that met every --slo objective (0..1)')
      .sample('streamload_slo_attainment', s.slo_attainment);
  }

  if (s?.operations) addOperations(out, s);
  if (s !== undefined && input.histograms !== undefined) addHistograms(out, s.latency, input.histograms);
  if (s !== undefined) addSummaries(out, s.latency);
  return out.text();
}
