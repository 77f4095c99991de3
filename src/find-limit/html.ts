/**
 * find-limit's report.html: the closing line, the knee chart — latency percentiles and goodput
 * against the load, one point per step — and the step table, with links to each step's run.json.
 */
import { esc, table, uplotAssets } from '../report/html.ts';
import { fmt } from '../report/tables.ts';
import { type FindLimitJson, stepMetricCells } from './report.ts';

export async function findLimitHtml(result: FindLimitJson): Promise<string> {
  const { js, css } = await uplotAssets();
  const byLoad = [...result.steps].sort((a, b) => a.load - b.load);
  const chart = {
    unit: result.unit,
    load: byLoad.map((s) => s.load),
    series: [
      ['TTFE p50 (ms)', byLoad.map((s) => s.ttfeP50)],
      ['TTFE p95 (ms)', byLoad.map((s) => s.ttfeP95)],
      ['TTFT p50 (ms)', byLoad.map((s) => s.ttftP50)],
      ['TTFT p95 (ms)', byLoad.map((s) => s.ttftP95)],
    ],
    goodput: byLoad.map((s) => s.goodputAvg),
    held: byLoad.map((s) => s.held),
  };
  // With --monitor: the target's CPU (left axis) and memory (right axis) against the same load.
  const sources = [...new Set(byLoad.flatMap((s) => Object.keys(s.target ?? {})))];
  const target = {
    load: chart.load,
    cpu: sources.map((source) => [
      `${source} CPU avg (%)`,
      byLoad.map((s) => s.target?.[source]?.cpuPctAvg ?? null),
    ]),
    memory: sources.map((source) => [
      `${source} memory max (MiB)`,
      byLoad.map((s) => {
        const bytes = s.target?.[source]?.memoryMaxBytes;
        return bytes === null || bytes === undefined ? null : bytes / 2 ** 20;
      }),
    ]),
  };
  const rows = result.steps.map((s) => [
    s.index,
    fmt(s.load, 2),
    ...stepMetricCells(s),
    s.held ? 'held' : 'broke',
    s.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.text}`).join('; '),
  ]);
  const steps = table(
    [
      'Step',
      `Load (${result.unit})`,
      'req/s',
      'events/s',
      'TTFE p50',
      'TTFE p95',
      'TTFT p95',
      'Errors',
      'Goodput',
      'Verdict',
      'Checks',
    ],
    rows,
  ); // links to each step's run.json are listed below
  const links = result.steps
    .map(
      (s) =>
        `<li><a href="${esc(s.dir)}/run.json">step ${s.index}: ${esc(fmt(s.load, 2))} ${esc(result.unit)}</a></li>`,
    )
    .join('');
  const data = JSON.stringify(chart).replace(/</g, '\\u003c');
  const targetData = JSON.stringify(target).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>streamload find-limit — ${esc(result.startedAt)}</title>
<style>${css}
body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}
th:last-child,td:last-child{text-align:left}th{background:#f3f3f3}.limit{font-size:16px;font-weight:600}</style></head>
<body><h1>streamload find-limit</h1>
<p class="limit">${esc(result.limit)}</p>
<p>${esc(result.startedAt)} → ${esc(result.endedAt)}, target ${esc(result.environment.target)}. Each step: ${result.warmupMs / 1000} s warmup (not measured), then ${result.stepTimeMs / 1000} s measured. A step holds when every check passes: ${result.checks.map((c) => `<code>${esc(c)}</code>`).join(', ')}.</p>
<h2>The knee</h2><div id="knee"></div>
${sources.length === 0 ? '' : '<h2>The target at each load</h2><div id="target"></div>'}
<h2>Steps (latencies in ms)</h2>${steps}
<h2>Each step's run.json</h2><ul>${links}</ul>
<script>${js}</script>
<script>
const KNEE = ${data};
const colors = ['#1f77b4', '#d62728', '#9467bd', '#ff7f0e'];
new uPlot({
  width: 900, height: 360,
  scales: { x: { time: false }, ms: {}, rps: {} },
  axes: [
    { label: 'load (' + KNEE.unit + ')' },
    { scale: 'ms', label: 'latency (ms)' },
    { scale: 'rps', side: 1, label: 'goodput (req/s)', grid: { show: false } },
  ],
  series: [
    { label: 'load' },
    ...KNEE.series.map(([label], i) => ({ label, scale: 'ms', stroke: colors[i], width: 2, points: { show: true }, spanGaps: true })),
    { label: 'Goodput (req/s)', scale: 'rps', stroke: '#2ca02c', width: 2, dash: [6, 4], points: { show: true } },
  ],
}, [KNEE.load, ...KNEE.series.map(([, values]) => values), KNEE.goodput], document.getElementById('knee'));
document.getElementById('knee').dataset.points = String(KNEE.load.length);
const TARGET = ${targetData};
if (TARGET.cpu.length > 0) {
  new uPlot({
    width: 900, height: 300,
    scales: { x: { time: false }, pct: {}, mib: {} },
    axes: [
      { label: 'load (' + KNEE.unit + ')' },
      { scale: 'pct', label: 'CPU (% of a core)' },
      { scale: 'mib', side: 1, label: 'memory (MiB)', grid: { show: false } },
    ],
    series: [
      { label: 'load' },
      ...TARGET.cpu.map(([label], i) => ({ label, scale: 'pct', stroke: colors[i % colors.length], width: 2, points: { show: true }, spanGaps: true })),
      ...TARGET.memory.map(([label], i) => ({ label, scale: 'mib', stroke: colors[i % colors.length], width: 2, dash: [6, 4], points: { show: true }, spanGaps: true })),
    ],
  }, [TARGET.load, ...TARGET.cpu.map(([, v]) => v), ...TARGET.memory.map(([, v]) => v)], document.getElementById('target'));
  document.getElementById('target').dataset.points = String(TARGET.load.length);
}
</script></body></html>
`;
}
