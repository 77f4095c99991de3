/**
 * The request table (one row per method + name, then the Aggregated row), declared once: the
 * console summary, report.html and the live view each pick their columns from here, so a column has
 * one title and one way to compute its cell wherever it is shown. stats.csv keeps Locust's column
 * names and raw numbers (a file contract other tools read, csv.ts); the web UI gets its rows as
 * data (web/feed.ts).
 */
import { AGGREGATED } from '../metrics/summary.ts';
import type { LatencyStats, RequestEntryStats } from '../metrics/types.ts';
import { type Cell, fmt } from './tables.ts';

interface Column {
  readonly title: string;
  /** `msDigits`: decimals of the millisecond columns (whole in the console, one in report.html). */
  cell(entry: RequestEntryStats, msDigits: number): Cell;
}

const latency = (title: string, stat: keyof LatencyStats): Column => ({
  title,
  cell: (entry, msDigits) => fmt(entry.duration[stat], msDigits),
});

export const REQUEST_COLUMNS = {
  type: { title: 'Type', cell: (entry) => (entry.name === AGGREGATED ? '' : entry.method) },
  name: { title: 'Name', cell: (entry) => entry.name },
  requests: { title: '# reqs', cell: (entry) => entry.requests },
  failures: { title: '# fails', cell: (entry) => entry.failures },
  /** Failures with their share of the entry's requests: `3(1.50%)`. */
  failuresShare: {
    title: '# fails',
    cell: (entry) =>
      `${entry.failures}(${fmt(entry.requests === 0 ? 0 : (100 * entry.failures) / entry.requests, 2)}%)`,
  },
  avg: latency('Avg', 'mean'),
  min: latency('Min', 'min'),
  max: latency('Max', 'max'),
  p50: latency('p50', 'p50'),
  p90: latency('p90', 'p90'),
  p95: latency('p95', 'p95'),
  p99: latency('p99', 'p99'),
  rps: { title: 'req/s', cell: (entry) => fmt(entry.rps, 2) },
  failuresPerSec: { title: 'failures/s', cell: (entry) => fmt(entry.failuresPerSec, 2) },
} as const satisfies Record<string, Column>;

export type RequestColumn = keyof typeof REQUEST_COLUMNS;

/** The header and rows of `entries` in `columns`, for textTable, markdownTable or an HTML table. */
export function requestTable(
  entries: readonly RequestEntryStats[],
  columns: readonly RequestColumn[],
  msDigits: number,
): { readonly header: string[]; readonly rows: Cell[][] } {
  const picked: readonly Column[] = columns.map((name) => REQUEST_COLUMNS[name]);
  return {
    header: picked.map((column) => column.title),
    rows: entries.map((entry) => picked.map((column) => column.cell(entry, msDigits))),
  };
}
