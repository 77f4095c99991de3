/**
 * Snapshot → the summary every reporter reads (run.json's summary fields, console, CSV, UI).
 * Pure: the same snapshot always gives the same summary, whatever order a merge saw its parts in.
 */
import { createHistogram, histogramStats, statsFromEncoded, unitOf } from './histogram.ts';
import { publicRow, rateStats } from './history.ts';
import { COUNT_METRICS, ERROR_NAMES, type ErrorName, LATENCY_METRICS, SCHEDULED_SUFFIX } from './names.ts';
import { summarizeOperations } from './operations.ts';
import { checkRecord, type Snapshot, type SnapshotEntry } from './snapshot.ts';
import type { FailureEntry, LatencyStats, MetricsSummary, RequestEntryStats } from './types.ts';

/** The Locust name of the all-requests row. */
export const AGGREGATED = 'Aggregated';

/** Report order: latencies as listed in names.ts, their `_scheduled` twins, counts, then the rest by name. */
const METRIC_ORDER = new Map<string, number>(
  [...LATENCY_METRICS, ...LATENCY_METRICS.map((m) => m + SCHEDULED_SUFFIX), ...COUNT_METRICS].map(
    (name, i) => [name, i],
  ),
);

function compareMetrics(a: string, b: string): number {
  const ra = METRIC_ORDER.get(a) ?? Number.MAX_SAFE_INTEGER;
  const rb = METRIC_ORDER.get(b) ?? Number.MAX_SAFE_INTEGER;
  return ra !== rb ? ra - rb : a < b ? -1 : a > b ? 1 : 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `histograms` of run.json: encoded HDR histograms of every metric with samples, in report order. */
export function encodedHistograms(snapshot: Snapshot): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(snapshot.histograms).sort(compareMetrics)) {
    out[name] = snapshot.histograms[name]!;
  }
  return out;
}

const EMPTY_STATS: LatencyStats = histogramStats(createHistogram(), 'ms');

function entryRow(
  method: string,
  name: string,
  counts: Pick<SnapshotEntry, 'requests' | 'failures' | 'contentBytes'>,
  duration: LatencyStats,
  durationS: number,
): RequestEntryStats {
  const { requests, failures, contentBytes } = counts;
  return {
    method,
    name,
    requests,
    failures,
    avgContentBytes: requests > 0 ? contentBytes / requests : 0,
    rps: durationS > 0 ? requests / durationS : 0,
    failuresPerSec: durationS > 0 ? failures / durationS : 0,
    duration,
  };
}

function requestTable(snapshot: Snapshot, durationS: number): RequestEntryStats[] {
  const sorted = [...snapshot.entries].sort(
    (a, b) => compareStrings(a.name, b.name) || compareStrings(a.method, b.method),
  );
  const rows = sorted.map((e) =>
    entryRow(e.method, e.name, e, statsFromEncoded(e.duration, 'ms'), durationS),
  );
  let contentBytes = 0;
  for (const e of sorted) contentBytes += e.contentBytes;
  const all = snapshot.histograms['request_duration'];
  const { requests, failures } = snapshot.totals;
  const duration = all === undefined ? EMPTY_STATS : statsFromEncoded(all, 'ms');
  rows.push(entryRow('', AGGREGATED, { requests, failures, contentBytes }, duration, durationS));
  return rows;
}

/** Most frequent first; ties in a stable (method, name, error) order. */
function failureTable(failures: readonly FailureEntry[]): FailureEntry[] {
  return [...failures].sort(
    (a, b) =>
      b.occurrences - a.occurrences ||
      compareStrings(a.method, b.method) ||
      compareStrings(a.name, b.name) ||
      compareStrings(a.error, b.error),
  );
}

export function summarize(snapshot: Snapshot): MetricsSummary {
  const { totals, connections, generator, history } = snapshot;
  const elapsedMs = snapshot.elapsedMs;
  const durationS = elapsedMs / 1000;

  const latency: Record<string, LatencyStats> = {};
  for (const [name, encoded] of Object.entries(encodedHistograms(snapshot))) {
    const stats = statsFromEncoded(encoded, unitOf(name));
    if (stats.count > 0) latency[name] = stats;
  }

  const errors = {} as Record<ErrorName, number>;
  for (const name of ERROR_NAMES) errors[name] = snapshot.errors[name] ?? 0;
  const errorRate = totals.requests > 0 ? totals.failures / totals.requests : 0;
  const operations = snapshot.controls === undefined ? null : summarizeOperations(snapshot.controls);

  return {
    durationS,
    totals: { ...totals, cancelled: totals.cancelled ?? 0 },
    latency,
    errors,
    errorSamples: { ...snapshot.errorSamples },
    error_rate: errorRate,
    operation_error_rate: operations === null ? errorRate : operations.error_rate,
    operations,
    slo_attainment: totals.requests > 0 ? totals.good / totals.requests : null,
    goodput: rateStats(history, (r) => r.good, { total: totals.good, elapsedMs }),
    connections: {
      maxConcurrent: connections.maxConcurrent,
      // ∫ active dt / elapsed: the time-weighted mean of the gauge.
      avgActive: elapsedMs > 0 ? connections.activeAreaUs / (elapsedMs * 1000) : 0,
      tcp: snapshot.tcp?.opened ?? 0,
      http2: snapshot.tcp?.h2 ?? 0,
    },
    checks: checkRecord(Object.entries(snapshot.checks ?? {})),
    ...(snapshot.userClasses === undefined ? {} : { userClasses: { ...snapshot.userClasses } }),
    throughput: {
      events: rateStats(history, (r) => r.events, { total: totals.events, elapsedMs }),
      requests: rateStats(history, (r) => r.requests, { total: totals.requests, elapsedMs }),
      connections: rateStats(history, (r) => r.connectionsOpened, { total: totals.streams, elapsedMs }),
    },
    requests: requestTable(snapshot, durationS),
    failures: failureTable(snapshot.failures),
    history: history.map(publicRow),
    generator: {
      // Over the run: the median of the per-second p50s, the 99th percentile of the per-second
      // p99s, the largest per-second max; cpu: mean and max of the per-second shares of one core.
      loopDelay: {
        p50: generator.loopDelayP50 === null ? 0 : statsFromEncoded(generator.loopDelayP50, 'ms').p50,
        p99: generator.loopDelayP99 === null ? 0 : statsFromEncoded(generator.loopDelayP99, 'ms').p99,
        max: generator.loopDelayMaxMs,
      },
      cpu: {
        avg: generator.samples > 0 ? generator.cpuSumMicros / generator.samples / 1e6 : 0,
        max: generator.cpuMax,
      },
    },
  };
}
