/** Puts what `--monitor` sampled into run.json: the per-source summary and each second's samples. */
import { formatSeriesValue, type MonitorResult } from '../monitor/monitor.ts';
import type { MonitorReport, MonitorSourceReport } from '../monitor/types.ts';
import { monitorChartGroup, monitorChartId } from './charts.ts';
import type { RunJson } from './types.ts';

/**
 * run.json with the monitor's report, each history row carrying the last sample of each source
 * taken within its second (a row spans the second ending at its `t`), and the monitor's warnings.
 */
export function withMonitor(run: RunJson, result: MonitorResult): RunJson {
  if (result.samples.size === 0) return run;
  const history = run.history.map((row) => {
    const monitor: Record<string, Record<string, number>> = Object.create(null);
    let any = false;
    for (const [source, samples] of result.samples) {
      const last = lastWithin(samples, row.t - 1000, row.t);
      if (last === undefined) continue;
      monitor[source] = { ...last.values };
      any = true;
    }
    return any ? { ...row, monitor } : row;
  });
  return {
    ...run,
    history,
    monitor: result.report,
    warnings: [...run.warnings, ...result.warnings],
  };
}

/**
 * A merge of segment runs keeps what their `--monitor` saw: each source from the first segment (in
 * segment order) that sampled it, its samples on the merged rows of the same elapsed second.
 */
export function withSegmentsMonitor(merged: RunJson, segments: readonly RunJson[]): RunJson {
  const report: Record<string, MonitorSourceReport> = Object.create(null);
  const bySecond = new Map<number, Record<string, Readonly<Record<string, number>>>>();
  for (const segment of segments) {
    const fresh = Object.keys(segment.monitor ?? {}).filter((source) => !(source in report));
    for (const source of fresh)
      report[source] = (segment.monitor as MonitorReport)[source] as MonitorSourceReport;
    for (const row of segment.history) {
      for (const source of fresh) {
        const values = row.monitor?.[source];
        if (values === undefined) continue;
        const second = bySecond.get(row.elapsedS) ?? Object.create(null);
        second[source] = values;
        bySecond.set(row.elapsedS, second);
      }
    }
  }
  if (Object.keys(report).length === 0) return merged;
  return {
    ...merged,
    monitor: report,
    history: merged.history.map((row) => {
      const monitor = bySecond.get(row.elapsedS);
      return monitor === undefined ? row : { ...row, monitor };
    }),
  };
}

/** The last sample with from < t ≤ to (samples are in time order). */
function lastWithin<T extends { readonly t: number }>(
  samples: readonly T[],
  from: number,
  to: number,
): T | undefined {
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i] as T;
    if (s.t <= from) return undefined;
    if (s.t <= to) return s;
  }
  return undefined;
}

export const MONITOR_COLUMNS = ['source', 'series', 'min', 'avg', 'max', 'samples'];

/** One row per source and series, values in their unit (the console summary, report.md). */
export function monitorRows(run: RunJson): string[][] {
  const rows: string[][] = [];
  for (const [source, report] of Object.entries(run.monitor ?? {})) {
    const series = Object.entries(report.summary);
    if (series.length === 0)
      rows.push([source, report.error ?? 'no sample', '', '', '', String(report.samples)]);
    for (const [name, s] of series)
      rows.push([
        source,
        name,
        formatSeriesValue(name, s.min),
        formatSeriesValue(name, s.avg),
        formatSeriesValue(name, s.max),
        String(report.samples),
      ]);
  }
  return rows;
}

/** `source:series` for every series of the run, in a stable order (stats_history.csv columns). */
export function monitorColumns(run: RunJson): [string, string][] {
  return Object.entries(run.monitor ?? {}).flatMap(([source, report]) =>
    Object.keys(report.summary).map((series) => [source, series] as [string, string]),
  );
}

/** A chart of monitor series: like charts.ts' ChartSpec, with keys of the points made here. */
export interface MonitorChart {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly series: readonly (readonly [string, string])[];
}

/**
 * report.html's monitor charts, on the same time axis as the load's: per source, CPU, memory, I/O
 * and each Prometheus metric; `points[i]` holds row i's values under the charts' keys.
 */
export function monitorCharts(run: RunJson): {
  charts: MonitorChart[];
  points: Record<string, number | null>[];
} {
  const charts = new Map<string, { title: string; unit: string; series: [string, string][] }>();
  const keys: { key: string; source: string; series: string; scale: number }[] = [];
  Object.entries(run.monitor ?? {}).forEach(([source, report], s) => {
    for (const series of Object.keys(report.summary)) {
      const { group, unit, scale } = monitorChartGroup(series);
      const id = monitorChartId(s, group);
      const key = `m${keys.length}`;
      keys.push({ key, source, series, scale });
      const chart = charts.get(id) ?? { title: `Target ${source}: ${group}`, unit, series: [] };
      chart.series.push([key, series]);
      charts.set(id, chart);
    }
  });
  const points = run.history.map((row) => {
    const point: Record<string, number | null> = {};
    for (const k of keys) {
      const v = row.monitor?.[k.source]?.[k.series];
      point[k.key] = v === undefined ? null : v / k.scale;
    }
    return point;
  });
  return { charts: [...charts].map(([id, c]) => ({ id, ...c })), points };
}
