/**
 * The charts over time, defined once: report.html draws them from the saved history and the web UI
 * draws the same ones live. Pure data, so the browser bundle can import it.
 */
// names.ts, not operations.ts: this file is in the browser bundle, which must not pull in the
// histogram library (its WebAssembly loader breaks the page's CSP).
import { BREAKER_LEVELS } from '../metrics/names.ts';
import type { HistoryRow } from '../metrics/types.ts';

/** One second as the charts need it (`t` = elapsed seconds). */
export interface ChartPoint {
  readonly t: number;
  readonly users: number;
  readonly activeConnections: number;
  readonly events: number;
  readonly requests: number;
  /** Requests that succeeded and met every SLO (goodput). */
  readonly good: number;
  readonly ttfeP50: number | null;
  readonly ttfeP95: number | null;
  readonly failures: number;
  /** Client-side controls (null when off): operations and retries per second, the worst breaker
   * state of the second (0 closed, 1 half-open, 2 open), the mean limiter wait in ms. */
  readonly operations: number | null;
  readonly retries: number | null;
  readonly breaker: number | null;
  readonly queueWaitMs: number | null;
  /** `--monitor`: the second's sample per source (source → series → value); null without one. */
  readonly monitor: Readonly<Record<string, Readonly<Record<string, number>>>> | null;
}

export type ChartKey = Exclude<keyof ChartPoint, 't' | 'monitor'>;

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** The y axis label. */
  readonly unit: string;
  readonly series: readonly (readonly [ChartKey, string])[];
}

export const CHARTS: readonly ChartSpec[] = [
  {
    id: 'users',
    title: 'Users and active connections',
    unit: 'count',
    series: [
      ['users', 'Users'],
      ['activeConnections', 'Active connections'],
    ],
  },
  { id: 'events', title: 'Events per second', unit: 'events/s', series: [['events', 'Events/s']] },
  {
    id: 'requests',
    title: 'Requests and goodput per second',
    unit: 'requests/s',
    series: [
      ['requests', 'Requests/s'],
      ['good', 'Goodput (met SLO)/s'],
    ],
  },
  {
    id: 'ttfe',
    title: 'TTFE p50 and p95',
    unit: 'ms',
    series: [
      ['ttfeP50', 'TTFE p50'],
      ['ttfeP95', 'TTFE p95'],
    ],
  },
  { id: 'failures', title: 'Failures per second', unit: 'failures/s', series: [['failures', 'Failures/s']] },
  {
    id: 'operations',
    title: 'Operations (users) and retries per second',
    unit: 'per s',
    series: [
      ['operations', 'Operations/s'],
      ['retries', 'Retries/s'],
    ],
  },
  {
    id: 'breaker',
    title: 'Circuit breaker state (0 closed, 1 half-open, 2 open)',
    unit: 'state',
    series: [['breaker', 'Breaker state (worst of the second)']],
  },
  {
    id: 'queue-wait',
    title: 'Limiter wait (mean of the second)',
    unit: 'ms',
    series: [['queueWaitMs', 'Queue wait']],
  },
];

export const CHART_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'] as const;

export function chartPoint(h: HistoryRow): ChartPoint {
  return {
    t: h.elapsedS,
    users: h.users,
    activeConnections: h.activeConnections,
    events: h.events,
    requests: h.requests,
    // A run.json from before goodput existed has no `good`.
    good: h.good ?? 0,
    ttfeP50: h.ttfeP50,
    ttfeP95: h.ttfeP95,
    failures: h.failures,
    ...controlsPoint(h),
    monitor: h.monitor ?? null,
  };
}

const MIB = 1024 * 1024;

/**
 * Which chart of its source a `--monitor` series joins, its unit and its divisor: CPU, memory
 * (MiB), I/O (MiB/s), process count, and a chart of its own for each Prometheus metric. One rule
 * for report.html and the web UI.
 */
export function monitorChartGroup(series: string): {
  readonly group: string;
  readonly unit: string;
  readonly scale: number;
} {
  if (series === 'cpu_pct') return { group: 'cpu', unit: '% of a core', scale: 1 };
  if (series === 'rss_bytes' || series === 'mem_bytes') return { group: 'memory', unit: 'MiB', scale: MIB };
  if (series.endsWith('_bytes_per_s')) return { group: 'io', unit: 'MiB/s', scale: MIB };
  if (series === 'processes') return { group: 'processes', unit: 'count', scale: 1 };
  return { group: `metric ${series}`, unit: series, scale: 1 };
}

/** A chart id for a source (by its index) and group: only letters, digits and dashes. */
export function monitorChartId(sourceIndex: number, group: string): string {
  return `monitor-${sourceIndex}-${group.replace(/[^a-zA-Z0-9]+/g, '-')}`;
}

function controlsPoint(
  h: HistoryRow,
): Pick<ChartPoint, 'operations' | 'retries' | 'breaker' | 'queueWaitMs'> {
  const c = h.controls;
  if (c === undefined) return { operations: null, retries: null, breaker: null, queueWaitMs: null };
  return {
    operations: c.operations,
    retries: c.retries,
    breaker: BREAKER_LEVELS.indexOf(c.breaker),
    queueWaitMs: c.queueWaits > 0 ? c.queueWaitUs / c.queueWaits / 1000 : 0,
  };
}
