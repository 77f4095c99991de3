/** The end-of-run console summary (also summary.txt): request table, SSE metrics, errors, thresholds. */
import { LATENCY_METRICS, NODE_SERIES_PREFIXES } from '../metrics/names.ts';
import { benchmarkTables } from './benchmark.ts';
import { MONITOR_COLUMNS, monitorRows } from './monitor.ts';
import { bothViews, operationRows } from './operations.ts';
import { type RequestColumn, requestTable } from './request-table.ts';
import { sloTable } from './slo.ts';
import { fmt, textTable } from './tables.ts';
import { escapeLines } from './text-safe.ts';
import {
  CHECK_COLUMNS,
  checkRows,
  describeConnections,
  describeUserClasses,
  USERS_BY_CLASS,
} from './transport.ts';
import type { RunJson } from './types.ts';

/** Locust's console columns. */
const SUMMARY_COLUMNS: readonly RequestColumn[] = [
  'type',
  'name',
  'requests',
  'failuresShare',
  'avg',
  'min',
  'max',
  'p50',
  'rps',
  'failuresPerSec',
];

/** The stream's latencies; the client-side controls' own (operation_duration, queue_wait) have their table. */
const SSE_METRICS: readonly string[] = LATENCY_METRICS.filter(
  (m) => m !== 'operation_duration' && m !== 'queue_wait',
);

export function renderSummaryText(run: RunJson): string {
  const out: string[] = [];
  out.push(`streamload run ${run.status} — ${fmt(run.durationS)} s, target ${run.environment.target}`);
  if (run.partial !== null) out.push(`PARTIAL RESULT: ${run.partial.notice}`);
  out.push('');
  const requests = requestTable(run.requests, SUMMARY_COLUMNS, 0);
  out.push(textTable(requests.header, requests.rows));
  out.push('');
  const latencyRows = Object.keys(run.latency)
    .filter(
      (name) => SSE_METRICS.includes(name) || NODE_SERIES_PREFIXES.some((prefix) => name.startsWith(prefix)),
    )
    .map((name) => {
      const s = run.latency[name]!;
      return [name, s.count, fmt(s.mean), fmt(s.p50), fmt(s.p90), fmt(s.p95), fmt(s.p99), fmt(s.max)];
    });
  if (latencyRows.length > 0) {
    out.push('Latency (ms)');
    out.push(textTable(['metric', 'count', 'avg', 'p50', 'p90', 'p95', 'p99', 'max'], latencyRows));
    out.push('');
  }
  out.push(
    `Totals: ${run.totals.requests} requests, ${run.totals.failures} failed (error rate ${fmt(run.error_rate * 100, 2)}%), ` +
      `${run.totals.streams} streams, ${run.totals.events} events, ${run.totals.tokens} tokens, ${run.totals.bytes} bytes`,
  );
  if (run.totals.cancelled > 0)
    out.push(
      `Cancelled: ${run.totals.cancelled} cut by streamload itself (stop timeout, abort, run end), not counted as failures`,
    );
  const connections = describeConnections(run);
  if (connections !== undefined) out.push(`TCP connections: ${connections}`);
  const classes = describeUserClasses(run);
  if (classes !== undefined) out.push(`${USERS_BY_CLASS}: ${classes}`);
  const checks = checkRows(run);
  if (checks.length > 0) {
    out.push('');
    out.push('Checks');
    out.push(textTable(CHECK_COLUMNS, checks));
  }
  const views = bothViews(run);
  if (views !== null) {
    out.push(`Client-side controls: ${views}`);
    out.push(textTable(['operations', ''], operationRows(run)));
  }
  const slo = sloTable(run);
  for (const table of slo === null ? benchmarkTables(run) : [...benchmarkTables(run), slo]) {
    out.push('');
    out.push(table.title);
    out.push(textTable(table.columns, [table.values.map((v) => fmt(v))]));
  }
  const errors = Object.entries(run.errors).filter(([, n]) => n > 0);
  if (errors.length > 0) {
    out.push('');
    out.push('Errors');
    out.push(
      textTable(
        ['error', 'count', 'sample message'],
        errors.map(([name, n]) => [
          name,
          n,
          (run.errorSamples as Record<string, string>)[name]?.slice(0, 100) ?? '',
        ]),
      ),
    );
  }
  const monitor = monitorRows(run);
  if (monitor.length > 0) {
    out.push('');
    out.push('Target resources (--monitor)');
    out.push(textTable(MONITOR_COLUMNS, monitor));
  }
  out.push('');
  const g = run.generator;
  out.push(
    `Generator: event-loop delay p50 ${fmt(g.loopDelay.p50, 2)} ms, p99 ${fmt(g.loopDelay.p99, 2)} ms, max ${fmt(g.loopDelay.max, 2)} ms; CPU avg ${fmt(g.cpu.avg * 100, 0)}%, max ${fmt(g.cpu.max * 100, 0)}% of a core`,
  );
  for (const warning of run.warnings) out.push(`WARNING: ${warning}`);
  if (run.thresholds.length > 0) {
    out.push('');
    out.push('Thresholds');
    for (const t of run.thresholds)
      out.push(
        `  ${t.ok ? 'PASS' : 'FAIL'}  ${t.expr}  (actual ${t.actual === null ? 'no samples' : fmt(t.actual, 3)}, limit ${fmt(t.limit, 3)})`,
      );
  }
  // Warnings, notices and the target may carry server text: escaped like the table cells.
  return `${escapeLines(out.join('\n'))}\n`;
}
