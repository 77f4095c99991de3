/**
 * Two runs side by side: the benchmark tables with absolute and relative change, and regressions
 * beyond a tolerance marked (worse = lower throughput, higher latency, more errors).
 */
import { benchmarkTables } from './benchmark.ts';
import { fmt, markdownTable, textTable } from './tables.ts';
import type { RunJson } from './types.ts';

export interface ComparedValue {
  readonly table: string;
  readonly column: string;
  readonly a: number | null;
  readonly b: number | null;
  readonly change: number | null;
  readonly relative: number | null;
  readonly regression: boolean;
}

/** Columns where a higher value is better; everything else (latencies) is better lower. */
const HIGHER_IS_BETTER = new Set([
  'Event Throughput (events/s)',
  'Empty Workflow QPS:Max QPS',
  'Empty Workflow QPS:Avg QPS',
]);

function higherIsBetter(table: string, column: string): boolean {
  return HIGHER_IS_BETTER.has(table) || HIGHER_IS_BETTER.has(`${table}:${column}`);
}

export function compareRuns(a: RunJson, b: RunJson, tolerance: number): ComparedValue[] {
  const tablesB = new Map(benchmarkTables(b).map((t) => [t.title, t]));
  const out: ComparedValue[] = [];
  for (const ta of benchmarkTables(a)) {
    const tb = tablesB.get(ta.title);
    if (tb === undefined || ta.title === 'Connections') continue; // connections follow the load, not the server
    ta.columns.forEach((column, i) => {
      const va = ta.values[i] ?? null;
      const vb = tb.values[i] ?? null;
      const change = va === null || vb === null ? null : vb - va;
      const relative = change === null || va === 0 || va === null ? null : change / Math.abs(va);
      const worse =
        relative !== null && (higherIsBetter(ta.title, column) ? -relative : relative) > tolerance;
      out.push({ table: ta.title, column, a: va, b: vb, change, relative, regression: worse });
    });
  }
  const errorChange = b.error_rate - a.error_rate;
  out.push({
    table: 'Errors',
    column: 'error rate',
    a: a.error_rate,
    b: b.error_rate,
    change: errorChange,
    relative: a.error_rate === 0 ? null : errorChange / a.error_rate,
    regression: errorChange > tolerance * Math.max(a.error_rate, 0.01),
  });
  return out;
}

export function renderComparison(
  values: readonly ComparedValue[],
  format: 'md' | 'txt',
  labels: [string, string],
): string {
  const header = ['Metric', labels[0], labels[1], 'Change', 'Relative', ''];
  const rows = values.map((v) => [
    `${v.table}: ${v.column}`,
    fmt(v.a, 3),
    fmt(v.b, 3),
    v.change === null ? '—' : `${v.change >= 0 ? '+' : ''}${fmt(v.change, 3)}`,
    v.relative === null ? '—' : `${v.relative >= 0 ? '+' : ''}${fmt(v.relative * 100, 1)}%`,
    v.regression ? 'REGRESSION' : '',
  ]);
  const regressions = values.filter((v) => v.regression).length;
  const verdict =
    regressions === 0
      ? 'No regression beyond the tolerance.'
      : `${regressions} regression(s) beyond the tolerance.`;
  return `${format === 'md' ? markdownTable(header, rows) : textTable(header, rows)}\n\n${verdict}\n`;
}
