/** Locust-compatible CSVs: the same column names and order, so existing tooling reads them. */

import { PERCENTILES } from '../metrics/names.ts';
import { AGGREGATED } from '../metrics/summary.ts';
import type { LatencyStats } from '../metrics/types.ts';
import { monitorColumns } from './monitor.ts';
import type { RunJson } from './types.ts';

const PERCENT_COLUMNS = [...PERCENTILES.map((p) => `${p}%`), '100%'];

export const STATS_HEADER = [
  'Type',
  'Name',
  'Request Count',
  'Failure Count',
  'Median Response Time',
  'Average Response Time',
  'Min Response Time',
  'Max Response Time',
  'Average Content Size',
  'Requests/s',
  'Failures/s',
  ...PERCENT_COLUMNS,
];
export const HISTORY_HEADER = [
  'Timestamp',
  'User Count',
  'Type',
  'Name',
  'Requests/s',
  'Failures/s',
  ...PERCENT_COLUMNS,
  'Total Request Count',
  'Total Failure Count',
  'Total Median Response Time',
  'Total Average Response Time',
  'Total Min Response Time',
  'Total Max Response Time',
  'Total Average Content Size',
];
export const FAILURES_HEADER = ['Method', 'Name', 'Error', 'Occurrences'];

export function csvLine(cells: readonly (string | number)[]): string {
  return cells
    .map((c) => {
      const text = String(c);
      return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',');
}

const round = (n: number) => Math.round(n);
const percentiles = (d: LatencyStats) => [
  ...PERCENTILES.map((p) => round(d[`p${p}` as keyof LatencyStats] as number)),
  round(d.max),
];

export function statsCsv(run: RunJson): string {
  const rows = run.requests.map((r) => [
    r.name === AGGREGATED ? '' : r.method,
    r.name,
    r.requests,
    r.failures,
    round(r.duration.p50),
    r.duration.mean,
    round(r.duration.min),
    round(r.duration.max),
    r.avgContentBytes,
    r.rps,
    r.failuresPerSec,
    ...percentiles(r.duration),
  ]);
  return `${[STATS_HEADER, ...rows].map(csvLine).join('\n')}\n`;
}

/**
 * One Aggregated row per second; only p50 and p95 are kept per second, other percentiles are N/A.
 * The "Total …" columns are cumulative at each row, as Locust writes them (N/A before the first
 * completion, and in a run.json written before they were recorded).
 */
export function historyCsv(run: RunJson): string {
  let bytes = 0;
  // With --monitor, one column per source and series after Locust's columns (empty when unsampled).
  const monitor = monitorColumns(run);
  const rows = run.history.map((h) => {
    bytes += h.bytes;
    const pct = PERCENT_COLUMNS.map((c) =>
      c === '50%' ? (h.durationP50 ?? 'N/A') : c === '95%' ? (h.durationP95 ?? 'N/A') : 'N/A',
    );
    const total = h.totalDuration;
    return [
      Math.round(h.t / 1000),
      h.users,
      '',
      AGGREGATED,
      h.requests,
      h.failures,
      ...pct.map((v) => (typeof v === 'number' ? round(v) : v)),
      h.totalRequests,
      h.totalFailures,
      total ? round(total.p50) : 'N/A',
      total ? total.mean : 'N/A',
      total ? round(total.min) : 'N/A',
      total ? round(total.max) : 'N/A',
      // Bytes received so far per completed request (streams still open add their bytes too).
      h.totalRequests > 0 ? bytes / h.totalRequests : 0,
      ...monitor.map(([source, series]) => h.monitor?.[source]?.[series] ?? ''),
    ];
  });
  const header = [...HISTORY_HEADER, ...monitor.map(([source, series]) => `${source} ${series}`)];
  return `${[header, ...rows].map(csvLine).join('\n')}\n`;
}

export function failuresCsv(run: RunJson): string {
  const rows = run.failures.map((f) => [f.method, f.name, `${f.error}: ${f.message}`, f.occurrences]);
  return `${[FAILURES_HEADER, ...rows].map(csvLine).join('\n')}\n`;
}
