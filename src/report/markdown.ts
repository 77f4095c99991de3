/** report.md: the benchmark tables, metric definitions and the test environment. */

import { benchmarkTables } from './benchmark.ts';
import { MONITOR_COLUMNS, monitorRows } from './monitor.ts';
import { bothViews, operationRows } from './operations.ts';
import { sloTable } from './slo.ts';
import { fmt, markdownTable } from './tables.ts';
import { escapeLines } from './text-safe.ts';
import { CHECK_COLUMNS, checkRows, transportRows } from './transport.ts';
import type { RunJson } from './types.ts';

export const METRIC_DEFINITIONS: readonly [string, string][] = [
  ['ttfb', 'request start → response headers received'],
  ['ttfe', 'request start → first complete SSE event parsed'],
  ['ttft', 'request start → first event carrying output content'],
  ['tpot', '(request_duration − ttft) / (tokens − 1)'],
  ['stream_duration', 'first event → last event of a stream'],
  ['request_duration', 'request start → response complete (stream closed or terminal event)'],
  ['inter_event', 'gap between consecutive events of one stream'],
  [
    'node_duration.<title>',
    "Dify node time: the server's own node_finished elapsed_time, or node_started → node_finished as received when the event has none",
  ],
  [
    'node_gap.<title>',
    'Dify node_started → node_finished as received: node time plus relay and queueing inside Dify',
  ],
  [
    'workflow_elapsed',
    "Dify's own time for the whole run (workflow_finished elapsed_time), beside request_duration",
  ],
  ['active connections', 'open SSE streams at an instant: max concurrent and time-averaged'],
  [
    'event throughput',
    'SSE events received per second over all streams (max, avg, min of the per-second series)',
  ],
  ['QPS', 'completed requests per second'],
  ['error_rate', 'failed requests / all requests'],
  ['slo_attainment', 'requests that succeeded and met every --slo objective / all requests'],
  ['goodput', 'such requests per second (max, avg, min of the per-second series)'],
  [
    'operation_duration',
    'client-side controls: first attempt → final outcome of one logical operation, retries and backoff included',
  ],
  ['attempts_per_operation', 'requests sent for one logical operation (1 + its retries)'],
  [
    'queue_wait',
    'wait for a client rate-limit token or concurrency slot before sending (not in any latency)',
  ],
  [
    'operation_error_rate',
    'operations that failed after all retries / all operations (refusals by the client counted apart)',
  ],
];

export function reportMarkdown(run: RunJson): string {
  const c = run.config;
  const env = run.environment;
  const out = [
    `# streamload benchmark report`,
    '',
    `Run ${run.status}, ${run.startedAt} → ${run.endedAt} (${fmt(run.durationS)} s).`,
    '',
  ];
  if (run.partial !== null) out.push(`**Partial result:** ${run.partial.notice}`, '');
  const slo = sloTable(run);
  for (const table of slo === null ? benchmarkTables(run) : [...benchmarkTables(run), slo]) {
    out.push(`## ${table.title}`, '', markdownTable(table.columns, [table.values.map((v) => fmt(v))]), '');
  }
  out.push(
    '## Totals',
    '',
    markdownTable(
      ['Requests', 'Failures', 'Error rate', 'Cancelled', 'Streams', 'Events', 'Tokens', 'Bytes'],
      [
        [
          run.totals.requests,
          run.totals.failures,
          `${fmt(run.error_rate * 100, 2)}%`,
          run.totals.cancelled ?? 0,
          run.totals.streams,
          run.totals.events,
          run.totals.tokens,
          run.totals.bytes,
        ],
      ],
    ),
    '',
  );
  const checks = checkRows(run);
  if (checks.length > 0) out.push('## Checks', '', markdownTable(CHECK_COLUMNS, checks), '');
  const views = bothViews(run);
  if (views !== null) {
    out.push('## Client-side controls', '', `${views[0]!.toUpperCase()}${views.slice(1)}.`, '');
    out.push(markdownTable(["Users' view", ''], operationRows(run)), '');
  }
  const monitor = monitorRows(run);
  if (monitor.length > 0) out.push('## Target resources', '', markdownTable(MONITOR_COLUMNS, monitor), '');
  if (run.thresholds.length > 0) {
    out.push(
      '## Thresholds',
      '',
      markdownTable(
        ['Threshold', 'Actual', 'Limit', 'Result'],
        run.thresholds.map((t) => [t.expr, fmt(t.actual, 3), fmt(t.limit, 3), t.ok ? 'pass' : 'FAIL']),
      ),
      '',
    );
  }
  if (run.warnings.length > 0) out.push('## Warnings', '', ...run.warnings.map((w) => `- ${w}`), '');
  out.push('## Metric definitions', '', markdownTable(['Metric', 'Definition'], METRIC_DEFINITIONS), '');
  out.push(
    '## Test environment',
    '',
    markdownTable(
      ['Item', 'Value'],
      [
        [
          'Machine',
          `${env.hostname}: ${env.cpus} × ${env.cpuModel}, ${fmt(env.memoryBytes / 2 ** 30)} GiB, ${env.os} ${env.arch}`,
        ],
        ['Node.js', env.node],
        ['streamload', env.streamload],
        ['Target', env.target],
        ['Protocol / scenario', `${String(c.protocol)} / ${String(c.scenario)} (${String(c.responseMode)})`],
        ['Load', loadSettings(c)],
        ...transportRows(run),
      ],
    ),
    '',
  );
  // Warnings and the partial notice may carry server text: escaped like the table cells.
  return escapeLines(out.join('\n'));
}

function loadSettings(c: Record<string, unknown>): string {
  if (c.rate !== null && c.rate !== undefined)
    return `open model, ${String(c.rate)} arrivals/s${c.arrival === undefined ? '' : `, ${String(c.arrival)}${c.arrival === 'gamma' ? ` (burstiness ${String(c.burstiness)})` : ''}`}`;
  const parts = [`${String(c.users)} users`, `spawn rate ${String(c.spawnRate)}/s`];
  if (c.runTime !== null && c.runTime !== undefined) parts.push(`run time ${Number(c.runTime) / 1000} s`);
  if (c.iterations !== null && c.iterations !== undefined) parts.push(`${String(c.iterations)} iterations`);
  return parts.join(', ');
}
