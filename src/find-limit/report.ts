/**
 * find-limit's own results: one row per step (from each step's run.json), the closing line, and
 * the files — find-limit.json, report.md, report.html with the knee chart. Each step's full
 * run.json sits in its own folder beside them.
 */

import { formatSeriesValue } from '../monitor/monitor.ts';
import { fmt, markdownTable, textTable } from '../report/tables.ts';
import type { RunEnvironment, RunJson } from '../report/types.ts';
import { describeActual, describeAgainstLimit } from './checks.ts';
import type { FindLimitOutcome, Step } from './runner.ts';
import type { SearchBounds } from './search.ts';

export const FIND_LIMIT_SCHEMA = 'streamload.find-limit/v1';

/** One step as the table, the chart and find-limit.json show it. */
export interface StepRow {
  readonly index: number;
  readonly load: number;
  readonly held: boolean;
  /** The step's folder, relative to the find-limit report folder. */
  readonly dir: string;
  readonly requestsPerS: number;
  readonly eventsPerS: number;
  readonly ttfeP50: number | null;
  readonly ttfeP95: number | null;
  readonly ttftP50: number | null;
  readonly ttftP95: number | null;
  readonly errorRate: number;
  readonly goodputAvg: number;
  readonly sloAttainment: number | null;
  /** Each check with its actual value (`ttft p95 462 ms < 500 ms`). */
  readonly checks: readonly { readonly expr: string; readonly ok: boolean; readonly text: string }[];
  /**
   * With `--monitor`: the target during the step's measured time, per source: mean CPU (100 = one
   * core) and highest memory (RSS or the container's), null when the source has none.
   */
  readonly target?: Readonly<Record<string, TargetAtStep>>;
}

export interface TargetAtStep {
  readonly cpuPctAvg: number | null;
  readonly memoryMaxBytes: number | null;
}

/** A step's target resources from its run.json's monitor (absent without --monitor). */
function targetAtStep(run: RunJson): Record<string, TargetAtStep> | undefined {
  if (run.monitor === undefined) return undefined;
  const out: Record<string, TargetAtStep> = {};
  for (const [source, m] of Object.entries(run.monitor)) {
    const memory = m.summary.rss_bytes ?? m.summary.mem_bytes;
    out[source] = { cpuPctAvg: m.summary.cpu_pct?.avg ?? null, memoryMaxBytes: memory?.max ?? null };
  }
  return out;
}

/** `target pid:42: CPU avg 97.0%, memory max 1.2 GiB` per source (the live table and summaries). */
export function targetLines(row: StepRow): string[] {
  return Object.entries(row.target ?? {}).map(
    ([source, t]) =>
      `target ${source}: CPU avg ${t.cpuPctAvg === null ? '—' : formatSeriesValue('cpu_pct', t.cpuPctAvg)}, memory max ${t.memoryMaxBytes === null ? '—' : formatSeriesValue('rss_bytes', t.memoryMaxBytes)}`,
  );
}

export interface FindLimitJson {
  readonly schema: typeof FIND_LIMIT_SCHEMA;
  readonly startedAt: string;
  readonly endedAt: string;
  /** `users` (closed model) or `requests/s` (open model). */
  readonly unit: 'users' | 'requests/s';
  readonly bounds: SearchBounds;
  readonly stepTimeMs: number;
  readonly warmupMs: number;
  readonly budgetMs: number;
  /** What a step had to pass to hold (threshold expressions). */
  readonly checks: readonly string[];
  readonly outcome: FindLimitOutcome<RunJson>['outcome'];
  readonly cutShort: FindLimitOutcome<RunJson>['cutShort'];
  /** The closing line, e.g. `limit: 184 users held (ttft p95 462 ms < 500 ms); 203 broke (ttft p95 611 ms)`. */
  readonly limit: string;
  readonly steps: readonly StepRow[];
  readonly environment: RunEnvironment;
}

export function stepRow(step: Step<RunJson>, dir: string): StepRow {
  const run = step.result;
  return {
    index: step.index,
    load: step.load,
    held: step.held,
    dir,
    requestsPerS: run.throughput.requests.avg,
    eventsPerS: run.throughput.events.avg,
    ttfeP50: run.latency.ttfe?.p50 ?? null,
    ttfeP95: run.latency.ttfe?.p95 ?? null,
    ttftP50: run.latency.ttft?.p50 ?? null,
    ttftP95: run.latency.ttft?.p95 ?? null,
    errorRate: run.error_rate,
    goodputAvg: run.goodput.avg,
    sloAttainment: run.slo_attainment,
    checks: run.thresholds.map((t) => ({ expr: t.expr, ok: t.ok, text: describeAgainstLimit(t) })),
    ...(run.monitor === undefined ? {} : { target: targetAtStep(run) }),
  };
}

const COLUMNS = [
  'step',
  'load',
  'req/s',
  'events/s',
  'ttfe p50',
  'ttfe p95',
  'ttft p95',
  'errors',
  'goodput',
  'verdict',
] as const;
const WIDTHS = [4, 9, 8, 9, 9, 9, 9, 7, 8, 0];

/** A step's measured cells, req/s to goodput (latencies in ms): one format for the live table and report.html. */
export function stepMetricCells(row: StepRow): string[] {
  return [
    fmt(row.requestsPerS),
    fmt(row.eventsPerS, 0),
    fmt(row.ttfeP50, 0),
    fmt(row.ttfeP95, 0),
    fmt(row.ttftP95, 0),
    `${fmt(row.errorRate * 100, 1)}%`,
    fmt(row.goodputAvg),
  ];
}

function cells(row: StepRow, unit: FindLimitJson['unit']): string[] {
  const failed = row.checks.find((c) => !c.ok);
  return [
    String(row.index),
    `${fmt(row.load, 2)} ${unit === 'users' ? 'u' : '/s'}`,
    ...stepMetricCells(row),
    row.held ? 'held' : `broke: ${failed?.text ?? 'stopped'}`,
  ];
}

/** The live table's header (latencies in ms); rows follow as steps end. */
export function liveHeader(): string {
  return `${COLUMNS.map((c, i) => (i === 0 ? c.padEnd(WIDTHS[i]!) : c.padStart(WIDTHS[i]!)))
    .join('  ')
    .trimEnd()}\n`;
}

export function liveRow(row: StepRow, unit: FindLimitJson['unit']): string {
  const line = cells(row, unit)
    .map((c, i) => (i === 0 ? c.padEnd(WIDTHS[i]!) : i === COLUMNS.length - 1 ? c : c.padStart(WIDTHS[i]!)))
    .join('  ');
  return [line, ...targetLines(row).map((t) => `      ${t}`)].map((l) => `${l}\n`).join('');
}

/** The closing line. */
export function limitLine(
  outcome: FindLimitOutcome<RunJson>,
  unit: FindLimitJson['unit'],
  maxFlag: string,
): string {
  const { held, broke } = outcome.outcome;
  const stepAt = (load: number | null) => outcome.steps.find((s) => s.load === load);
  const brokeStep = stepAt(broke);
  const binding = brokeStep?.result.thresholds.find((t) => !t.ok);
  // The check that broke, as it stood at the load that held (with nothing broken: the first check).
  const heldThresholds = stepAt(held)?.result.thresholds;
  const heldCheck =
    binding === undefined ? heldThresholds?.[0] : heldThresholds?.find((t) => t.expr === binding.expr);
  const heldText = heldCheck === undefined ? '' : ` (${describeAgainstLimit(heldCheck)})`;
  const brokeText =
    brokeStep === undefined ? '' : ` (${binding === undefined ? `stopped` : describeActual(binding)})`;
  const name = (load: number) => `${fmt(load, 2)} ${unit}`;
  const short =
    outcome.cutShort === 'budget'
      ? ' — time budget spent before the resolution was reached'
      : outcome.cutShort === 'stopped'
        ? ' — stopped before the resolution was reached'
        : '';
  if (held === null)
    return broke === null
      ? `no limit: no step ran${short}`
      : `no limit: even the first step, ${name(broke)}, broke${brokeText}${short}`;
  if (broke === null)
    return `limit: at least ${name(held)} — the highest load tried held${heldText}; raise ${maxFlag} to find where it breaks${short}`;
  return `limit: ${name(held)} held${heldText}; ${fmt(broke, 2)} broke${brokeText}${short}`;
}

export function findLimitMarkdown(result: FindLimitJson): string {
  const rows = result.steps.map((row) => {
    const c = cells(row, result.unit);
    return [...c.slice(0, -1), row.held ? 'held' : 'broke', `[run.json](${row.dir}/run.json)`];
  });
  return [
    '# streamload find-limit',
    '',
    `**${result.limit}**`,
    '',
    `Started ${result.startedAt}, ended ${result.endedAt}. Each step: ${result.warmupMs / 1000} s warmup (not measured), then ${result.stepTimeMs / 1000} s measured. A step holds when every check passes: ${result.checks.map((c) => `\`${c}\``).join(', ')}.`,
    '',
    '## Steps (latencies in ms)',
    '',
    markdownTable([...COLUMNS.slice(0, -1), 'verdict', 'details'], rows),
    '',
    ...targetSection(result),
    '## Checks per step',
    '',
    markdownTable(
      ['step', 'load', ...result.checks],
      result.steps.map((row) => [
        row.index,
        fmt(row.load, 2),
        ...row.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.text}`),
      ]),
    ),
    '',
    `Target: ${result.environment.target}. Machine: ${result.environment.cpus} × ${result.environment.cpuModel}, Node ${result.environment.node}, streamload ${result.environment.streamload}.`,
    '',
  ].join('\n');
}

/** report.md's "Target resources by step" (with --monitor). */
function targetSection(result: FindLimitJson): string[] {
  const rows = result.steps.flatMap((row) =>
    Object.entries(row.target ?? {}).map(([source, t]) => [
      row.index,
      fmt(row.load, 2),
      source,
      t.cpuPctAvg === null ? '—' : formatSeriesValue('cpu_pct', t.cpuPctAvg),
      t.memoryMaxBytes === null ? '—' : formatSeriesValue('rss_bytes', t.memoryMaxBytes),
    ]),
  );
  if (rows.length === 0) return [];
  return [
    '## Target resources by step',
    '',
    markdownTable(['step', 'load', 'source', 'CPU avg', 'memory max'], rows),
    '',
  ];
}

/** The plain-text table of every step (for the console at the end and summary.txt). */
export function findLimitText(result: FindLimitJson): string {
  return `${textTable(
    [...COLUMNS],
    result.steps.map((row) => cells(row, result.unit)),
  )}\n${result.limit}\n`;
}
