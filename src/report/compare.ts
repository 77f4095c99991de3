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
      const higher = higherIsBetter(ta.title, column);
      out.push(valueChange(ta.title, column, ta.values[i] ?? null, tb.values[i] ?? null, tolerance, higher));
    });
  }
  out.push(rateChange('Errors', 'error rate', a.error_rate, b.error_rate, tolerance, false));
  out.push(...compareOperations(a, b, tolerance));
  return out;
}

/** A value from a to b: a regression when it moved the wrong way by more than the tolerance of a. */
function valueChange(
  table: string,
  column: string,
  a: number | null,
  b: number | null,
  tolerance: number,
  higherBetter: boolean,
): ComparedValue {
  const change = a === null || b === null ? null : b - a;
  const relative = change === null || a === 0 || a === null ? null : change / Math.abs(a);
  const worse = relative !== null && (higherBetter ? -relative : relative) > tolerance;
  return { table, column, a, b, change, relative, regression: worse };
}

/**
 * A share (0..1) from a to b: a regression when it moved the wrong way by more than the tolerance
 * of itself, with 1 % as the floor so a move from 0 is judged too.
 */
function rateChange(
  table: string,
  column: string,
  a: number,
  b: number,
  tolerance: number,
  higherBetter: boolean,
): ComparedValue {
  const change = b - a;
  return {
    table,
    column,
    a,
    b,
    change,
    relative: a === 0 ? null : change / a,
    regression: (higherBetter ? -change : change) > tolerance * Math.max(a, 0.01),
  };
}

/**
 * What users saw when client-side controls were on (run.json `operations`: each logical operation
 * once, retries included), compared only when both runs have it: the requests above are the
 * server's view, which retries inflate.
 */
function compareOperations(a: RunJson, b: RunJson, tolerance: number): ComparedValue[] {
  const opsA = a.operations ?? null;
  const opsB = b.operations ?? null;
  if (opsA === null || opsB === null) return [];
  const perOperation = (ops: NonNullable<RunJson['operations']>) =>
    ops.total === 0 ? 0 : ops.retries.total / ops.total;
  const rows = [
    rateChange('Operations', 'success rate', opsA.success_rate, opsB.success_rate, tolerance, true),
    rateChange('Operations', 'error rate', opsA.error_rate, opsB.error_rate, tolerance, false),
    rateChange('Operations', 'refused rate', opsA.rejection_rate, opsB.rejection_rate, tolerance, false),
    // More retries per operation: the server failed more often (judged like a share).
    rateChange(
      'Operations',
      'retries per operation',
      perOperation(opsA),
      perOperation(opsB),
      tolerance,
      false,
    ),
  ];
  // Latency as users saw it, backoffs and every attempt included.
  for (const stat of ['p50', 'p95', 'p99'] as const) {
    const va = a.latency.operation_duration?.[stat] ?? null;
    const vb = b.latency.operation_duration?.[stat] ?? null;
    rows.push(valueChange('Operation duration (ms)', stat.toUpperCase(), va, vb, tolerance, false));
  }
  return rows;
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
