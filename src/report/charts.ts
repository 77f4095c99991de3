/**
 * The charts over time, defined once: report.html draws them from the saved history and the web UI
 * draws the same ones live. Pure data, so the browser bundle can import it.
 */
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
}

export type ChartKey = Exclude<keyof ChartPoint, 't'>;

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
];

export const CHART_COLORS = ['#1f77b4', '#d62728', '#2ca02c'] as const;

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
  };
}
