/**
 * `streamload trend`: the headline metrics of many runs in time order, on one page with a chart
 * per metric (Markdown: a table and a sparkline per metric; HTML: an inline SVG line chart per
 * metric, no script, opens offline). The "compare the last runs" view of the classic suites.
 */
import { basename, dirname } from 'node:path';
import { formatHeadline, type HeadlineMetric, presentHeadlines } from './headline.ts';
import { esc, table } from './html.ts';
import { markdownTable } from './tables.ts';
import type { RunJson } from './types.ts';

export interface TrendRun {
  readonly file: string;
  readonly run: RunJson;
}

/** Runs oldest first (by start time; the file name breaks ties). */
export function inTimeOrder(runs: readonly TrendRun[]): TrendRun[] {
  return [...runs].sort(
    (a, b) => a.run.startedAt.localeCompare(b.run.startedAt) || a.file.localeCompare(b.file),
  );
}

/** A run's short name: its folder (`reports/20261122_101500/run.json` → `20261122_101500`). */
export function runName(file: string): string {
  return basename(file) === 'run.json' ? basename(dirname(file)) : basename(file).replace(/\.json$/, '');
}

const BARS = '▁▂▃▄▅▆▇█';

function sparkline(values: readonly (number | null)[]): string {
  const present = values.filter((v): v is number => v !== null);
  const low = Math.min(...present);
  const high = Math.max(...present);
  return values
    .map((v) =>
      v === null ? ' ' : BARS[high === low ? 3 : Math.round(((v - low) / (high - low)) * (BARS.length - 1))],
    )
    .join('');
}

function rows(runs: readonly TrendRun[], metrics: readonly HeadlineMetric[]): string[][] {
  return runs.map(({ file, run }) => [
    runName(file),
    run.startedAt.replace('T', ' ').slice(0, 19),
    ...metrics.map((m) => formatHeadline(m.pick(run))),
  ]);
}

export function trendMarkdown(runs: readonly TrendRun[]): string {
  const ordered = inTimeOrder(runs);
  const metrics = presentHeadlines(ordered.map((r) => r.run));
  const header = ['Run', 'Started (UTC)', ...metrics.map((m) => m.label)];
  const charts = metrics.map((m) => {
    const values = ordered.map((r) => m.pick(r.run));
    return `| ${m.label} | \`${sparkline(values)}\` | ${formatHeadline(values[0] ?? null)} → ${formatHeadline(values.at(-1) ?? null)} |`;
  });
  return [
    `# Trend of ${ordered.length} runs`,
    '',
    markdownTable(header, rows(ordered, metrics)),
    '',
    '| Metric | Oldest → newest | First → last |',
    '| --- | --- | ---: |',
    ...charts,
    '',
  ].join('\n');
}

const WIDTH = 520;
const HEIGHT = 140;
const PAD = 36;

/** One metric over the runs as an SVG polyline with its axis values. */
function svgChart(metric: HeadlineMetric, runs: readonly TrendRun[]): string {
  const values = runs.map((r) => metric.pick(r.run));
  const present = values.filter((v): v is number => v !== null);
  const low = Math.min(0, ...present);
  const high = Math.max(...present, low + 1e-9);
  const x = (i: number) => PAD + (runs.length === 1 ? 0 : (i * (WIDTH - 2 * PAD)) / (runs.length - 1));
  const y = (v: number) => HEIGHT - PAD / 2 - ((v - low) / (high - low)) * (HEIGHT - PAD);
  const points = values.flatMap((v, i) => (v === null ? [] : [[x(i), y(v), v, i] as const]));
  const line = points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
  const dots = points
    .map(
      ([px, py, v, i]) =>
        `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3"><title>${esc(runName(runs[i]!.file))}: ${esc(formatHeadline(v))}</title></circle>`,
    )
    .join('');
  return `<figure><figcaption>${esc(metric.label)}</figcaption><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${esc(metric.label)}">
<line x1="${PAD}" y1="${y(low)}" x2="${WIDTH - PAD}" y2="${y(low)}" class="axis"/>
<text x="2" y="${y(high) + 4}">${esc(formatHeadline(high))}</text><text x="2" y="${y(low) + 4}">${esc(formatHeadline(low))}</text>
<polyline points="${line}"/>${dots}</svg></figure>`;
}

export function trendHtml(runs: readonly TrendRun[]): string {
  const ordered = inTimeOrder(runs);
  const metrics = presentHeadlines(ordered.map((r) => r.run));
  const header = ['Run', 'Started (UTC)', ...metrics.map((m) => m.label)];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>streamload trend of ${ordered.length} runs</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left}
.charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}figcaption{font-weight:600}
svg{background:#fafafa}polyline{fill:none;stroke:#2563eb;stroke-width:2}circle{fill:#2563eb}
.axis{stroke:#999}text{font-size:11px;fill:#555}
</style></head><body>
<h1>Trend of ${ordered.length} runs</h1>
<p>Oldest first, by start time. Each chart: one point per run.</p>
<div class="charts">${metrics.map((m) => svgChart(m, ordered)).join('\n')}</div>
${table(header, rows(ordered, metrics))}
</body></html>
`;
}
