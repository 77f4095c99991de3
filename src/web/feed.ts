/**
 * What the browser receives: a full view on connect, then one tick per second with only the new
 * chart points. Pure functions of the engine's summary; the frontend imports the types.
 */
import type { MetricsSummary } from '../metrics/types.ts';
import { type ChartPoint, chartPoint } from '../report/charts.ts';
import type { FormField } from './form.ts';

export type WebState = 'idle' | 'starting' | 'running' | 'stopping' | 'finished' | 'failed';

export interface RequestRow {
  readonly method: string;
  readonly name: string;
  readonly requests: number;
  readonly failures: number;
  readonly avgMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly rps: number;
}

export interface ErrorRow {
  readonly method: string;
  readonly name: string;
  readonly error: string;
  readonly occurrences: number;
  readonly message: string;
}

export interface Tick {
  readonly elapsedS: number;
  readonly users: number;
  readonly activeConnections: number;
  readonly totals: MetricsSummary['totals'];
  /** Index of `points[0]` in the run's whole series (the client truncates there, then appends). */
  readonly from: number;
  readonly points: readonly ChartPoint[];
  readonly requests: readonly RequestRow[];
  readonly errors: readonly ErrorRow[];
  readonly ttfe: { readonly p50: number; readonly p95: number } | null;
}

export interface ReportLink {
  readonly name: string;
  readonly href: string;
}

export interface View {
  readonly state: WebState;
  /** The last failure (bad form value, preflight) or notice, for the page to show. */
  readonly message: string;
  /** False under `run --web`: the run was configured on the command line. */
  readonly canStart: boolean;
  /** True when the current run has a user count to change (closed model). */
  readonly canChangeUsers: boolean;
  /**
   * The start form's fields from the option table (form.ts), with their current values; the
   * scenario's suggestions are what it may be: the built-ins and the files named on the command line.
   */
  readonly form: readonly FormField[];
  readonly reportDir: string | null;
  readonly reports: readonly ReportLink[];
  readonly warnings: readonly string[];
  /** Every point so far (`from` = 0), or null before the first tick. */
  readonly tick: Tick | null;
}

export function toTick(summary: MetricsSummary, from: number): Tick {
  const last = summary.history.at(-1);
  const ttfe = summary.latency.ttfe;
  return {
    elapsedS: summary.durationS,
    users: last?.users ?? 0,
    activeConnections: last?.activeConnections ?? 0,
    totals: summary.totals,
    from,
    points: summary.history.slice(from).map(chartPoint),
    requests: summary.requests.map((r) => ({
      method: r.method,
      name: r.name,
      requests: r.requests,
      failures: r.failures,
      avgMs: r.duration.mean,
      p50Ms: r.duration.p50,
      p95Ms: r.duration.p95,
      p99Ms: r.duration.p99,
      maxMs: r.duration.max,
      rps: r.rps,
    })),
    errors: summary.failures.map((f) => ({
      method: f.method,
      name: f.name,
      error: f.error,
      occurrences: f.occurrences,
      message: f.message,
    })),
    ttfe: ttfe === undefined ? null : { p50: ttfe.p50, p95: ttfe.p95 },
  };
}
