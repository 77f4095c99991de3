/**
 * report.html: one self-contained file (uPlot and its CSS inlined, no network) with the charts over
 * time, the benchmark tables, the request and error tables, and the configuration.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { benchmarkTables } from './benchmark.ts';
import { CHART_COLORS, CHARTS, chartPoint } from './charts.ts';
import { METRIC_DEFINITIONS } from './markdown.ts';
import { MONITOR_COLUMNS, monitorCharts, monitorRows } from './monitor.ts';
import { bothViews, operationRows } from './operations.ts';
import { requestTable } from './request-table.ts';
import { sloTable } from './slo.ts';
import { fmt } from './tables.ts';
import { CHECK_COLUMNS, checkRows, transportRows } from './transport.ts';
import type { RunJson } from './types.ts';

const require = createRequire(import.meta.url);

export const esc = (s: unknown) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function table(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** uPlot's script and stylesheet, inlined so a report opens offline. */
export async function uplotAssets(): Promise<{ js: string; css: string }> {
  return {
    js: await readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: await readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
}

export async function reportHtml(run: RunJson): Promise<string> {
  const { js: uplotJs, css: uplotCss } = await uplotAssets();
  const monitor = monitorCharts(run);
  const history = run.history.map((row, i) => ({ ...chartPoint(row), ...monitor.points[i] }));
  const slo = sloTable(run);
  const bench = (slo === null ? benchmarkTables(run) : [...benchmarkTables(run), slo])
    .map((t) => `<h3>${esc(t.title)}</h3>${table(t.columns, [t.values.map((v) => fmt(v))])}`)
    .join('');
  const requestRows = requestTable(
    run.requests,
    ['type', 'name', 'requests', 'failures', 'avg', 'min', 'p50', 'p90', 'p95', 'p99', 'max', 'rps'],
    1,
  );
  const requests = table(requestRows.header, requestRows.rows);
  const errors = table(
    ['Method', 'Name', 'Error', 'Occurrences', 'Sample message'],
    run.failures.map((f) => [f.method, f.name, f.error, f.occurrences, f.message]),
  );
  const latency = table(
    ['Metric', 'Count', 'Avg', 'p50', 'p90', 'p95', 'p99', 'Max'],
    Object.entries(run.latency).map(([name, s]) => [
      name,
      s.count,
      fmt(s.mean),
      fmt(s.p50),
      fmt(s.p90),
      fmt(s.p95),
      fmt(s.p99),
      fmt(s.max),
    ]),
  );
  // Charts of what a run did not have (the controls') are left out rather than drawn empty.
  const charts = [
    ...CHARTS.filter((c) => history.some((h) => c.series.some(([key]) => h[key] !== null))),
    ...monitor.charts,
  ];
  const views = bothViews(run);
  const controls =
    views === null
      ? ''
      : `<h2>Client-side controls</h2><p>${esc(views)}</p>${table(["Users' view", ''], operationRows(run))}`;
  const data = JSON.stringify({ history, charts, colors: CHART_COLORS }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>streamload report — ${esc(run.startedAt)}</title>
<style>${uplotCss}
body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
th:first-child,td:first-child,td:nth-child(2){text-align:left}th{background:#f3f3f3}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:16px}
.chart h3{margin:4px 0}.warn{color:#a40}pre{background:#f6f6f6;padding:8px;overflow:auto}</style></head>
<body><h1>streamload report</h1>
<p>Run <b>${esc(run.status)}</b>: ${esc(run.startedAt)} → ${esc(run.endedAt)} (${fmt(run.durationS)} s), target ${esc(run.environment.target)}.
${run.totals.requests} requests, ${run.totals.failures} failed, ${run.totals.cancelled ?? 0} cancelled (cut by streamload, not failures), ${run.totals.events} events.</p>
${run.partial === null ? '' : `<p class="warn">Partial result: ${esc(run.partial.notice)}</p>`}
${run.warnings.map((w) => `<p class="warn">Warning: ${esc(w)}</p>`).join('')}
<h2>Over time</h2><div class="charts">${charts.map((c) => `<div class="chart" id="chart-${c.id}"><h3>${esc(c.title)} (${esc(c.unit)})</h3></div>`).join('')}</div>
${controls}
<h2>Benchmark</h2>${bench}
<h2>Requests</h2>${requests}
<h2>Latency (ms)</h2>${latency}
${monitorRows(run).length === 0 ? '' : `<h2>Target resources</h2>${table(MONITOR_COLUMNS, monitorRows(run))}`}
<h2>Errors</h2>${run.failures.length === 0 ? '<p>No errors.</p>' : errors}
${checkRows(run).length === 0 ? '' : `<h2>Checks</h2>${table(CHECK_COLUMNS, checkRows(run))}`}
<h2>Transport</h2>${table(['Item', 'Value'], transportRows(run))}
${
  run.thresholds.length === 0
    ? ''
    : `<h2>Thresholds</h2>${table(
        ['Threshold', 'Actual', 'Limit', 'Result'],
        run.thresholds.map((t) => [t.expr, fmt(t.actual, 3), fmt(t.limit, 3), t.ok ? 'pass' : 'FAIL']),
      )}`
}
<h2>Metric definitions</h2>${table(['Metric', 'Definition'], METRIC_DEFINITIONS)}
<h2>Configuration</h2><pre>${esc(JSON.stringify(run.config, null, 2))}</pre>
<h2>Environment</h2><pre>${esc(JSON.stringify(run.environment, null, 2))}</pre>
<script>${uplotJs}</script>
<script>
const REPORT = ${data};
for (const chart of REPORT.charts) {
  const el = document.getElementById('chart-' + chart.id);
  const xs = REPORT.history.map((h) => h.t);
  const series = chart.series.map(([key]) => REPORT.history.map((h) => h[key]));
  new uPlot({
    width: 520, height: 240,
    scales: { x: { time: false } },
    axes: [{ label: 'elapsed (s)' }, { label: chart.unit }],
    series: [{ label: 'elapsed (s)' }, ...chart.series.map(([, label], i) => ({ label, stroke: REPORT.colors[i], width: 2, spanGaps: true }))],
  }, [xs, ...series], el);
  el.dataset.points = String(xs.length);
}
</script></body></html>
`;
}
