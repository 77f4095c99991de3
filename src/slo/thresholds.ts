/**
 * Threshold expressions: `<metric>.<stat> <op> <value>[unit]`, e.g. `ttfe.p95<500ms`,
 * `error_rate<1%`, `errors.timeout==0`, `throughput.events.avg>100` (or `eps.avg>100`),
 * `totals.requests>=10`, `goodput.avg>=20` (good requests/s), `slo_attainment>=99%`. The metric
 * must be one of the closed set in threshold-names.ts. The users' view of client-side controls:
 * `operation_error_rate<1%`, `operations.success_rate>=99%`, `operation_duration.p95<3s`,
 * `operations.rejections.circuit_open==0`.
 */
import type { MetricsSummary } from '../metrics/types.ts';
import { resolveThresholdPath } from './threshold-names.ts';

/** One threshold checked against a run's summary: what run.json, JUnit and find-limit report. */
export interface ThresholdResult {
  /** As the user wrote it, e.g. `ttfe.p95<100ms`. */
  readonly expr: string;
  /** The measured value in the expression's unit, null when the metric had no samples. */
  readonly actual: number | null;
  readonly limit: number;
  readonly ok: boolean;
}

const OPS = ['<=', '>=', '==', '<', '>'] as const;
type Op = (typeof OPS)[number];

export interface Threshold {
  readonly expr: string;
  readonly path: readonly string[];
  readonly op: Op;
  readonly limit: number;
}

const UNIT_FACTORS: Record<string, number> = { ms: 1, s: 1000, '%': 0.01, '': 1 };

export function parseThreshold(expr: string): Threshold | string {
  const compact = expr.replace(/\s+/g, '');
  const op = OPS.find((o) => compact.includes(o));
  if (op === undefined) return `threshold "${expr}": expected <metric> <op> <value>, op one of < <= > >= ==`;
  const [left, right] = compact.split(op) as [string, string];
  const value = /^(-?\d+(?:\.\d+)?)(ms|s|%)?$/.exec(right);
  if (value === null) return `threshold "${expr}": "${right}" is not a number (units: ms, s, %)`;
  const given = left.split('.').filter((p) => p !== '');
  if (given.length === 0) return `threshold "${expr}": missing metric`;
  const path = resolveThresholdPath(given);
  if (typeof path === 'string') return `threshold "${expr}": ${path}`;
  const number = Number(value[1]);
  // `error_rate<1` reads as "below 100 %" and can practically never fail: a rate is a fraction.
  if (isRate(path) && value[2] === undefined && number >= 1) {
    const left = expr.slice(0, expr.indexOf(op)).trim();
    return `threshold "${expr}": a rate is a fraction of 1 (1 = 100 %): write "${left}${op}${number}%" for ${number} per cent, or "${left}${op}${number / 100}"`;
  }
  return { expr, path, op, limit: number * (UNIT_FACTORS[value[2] ?? ''] as number) };
}

/** A resolved path whose value is a fraction of 1 (`error_rate`, `operations.success_rate`…). */
function isRate(path: readonly string[]): boolean {
  const [head] = path;
  if (head === 'error_rate' || head === 'slo_attainment' || head === 'operation_error_rate') return true;
  return head === 'operations' && (path.at(-1) ?? '').endsWith('_rate');
}

/** What a run can measure, known before the load (the built-in scenarios' request kinds, the model). */
export interface RunShape {
  /** The scenario, when built in; a scenario file may send anything. */
  readonly builtinScenario: string | null;
  readonly responseMode: 'streaming' | 'blocking';
  /** Open model (`--rate`): only it measures `<metric>_scheduled`. */
  readonly openModel: boolean;
  readonly protocol: string;
}

/** Metrics only a stream has: a blocking response has no events, no first event, no token times. */
const STREAM_ONLY = new Set([
  'ttfe',
  'ttft',
  'tpot',
  'stream_duration',
  'inter_event',
  'events_per_stream',
  'bytes_per_stream',
  'tokens_per_stream',
]);
const SCHEDULED = '_scheduled';

/**
 * Why a run of this shape can never produce the threshold's metric (so it could only fail after
 * the whole load with "no samples"), or undefined when it can.
 */
export function unproducible(threshold: Threshold, shape: RunShape): string | undefined {
  const [metric = ''] = threshold.path;
  const scheduled = metric.endsWith(SCHEDULED);
  const base = scheduled ? metric.slice(0, -SCHEDULED.length) : metric;
  const say = (why: string) => `threshold "${threshold.expr}": ${why}`;
  if (scheduled && !shape.openModel)
    return say(
      `${metric} is measured from the scheduled start of an open-model run (--rate); this run is closed-model: use ${base}`,
    );
  if (shape.builtinScenario !== null && shape.responseMode === 'blocking' && STREAM_ONLY.has(base))
    return say(
      `the ${shape.builtinScenario} scenario sends blocking requests, which have no ${base} (it is measured on streams): use request_duration or ttfb`,
    );
  if (metric.startsWith('node_duration.') && shape.protocol !== 'workflow' && shape.protocol !== 'chat')
    return say(
      `node_duration is reported by Dify workflows and chatflows; --protocol ${shape.protocol} has no nodes`,
    );
  return undefined;
}

/** The measured value a resolved threshold path points at, or null (no samples). */
export function lookup(summary: MetricsSummary, path: readonly string[]): number | null {
  const [head, ...rest] = path;
  let node: unknown;
  if (head === 'error_rate' || head === 'slo_attainment' || head === 'operation_error_rate')
    node = summary[head];
  else if (
    head === 'errors' ||
    head === 'totals' ||
    head === 'throughput' ||
    head === 'connections' ||
    head === 'goodput' ||
    head === 'operations'
  ) {
    node = summary[head];
  } else if (head !== undefined) {
    // A resolved latency path is [metric, stat] (see resolveThresholdPath).
    const stats = summary.latency[head] as unknown as Record<string, number> | undefined;
    const stat = rest[0];
    return stats === undefined || stat === undefined ? null : (stats[stat] ?? null);
  }
  const scalar = head === 'error_rate' || head === 'slo_attainment' || head === 'operation_error_rate';
  for (const key of scalar ? [] : rest) node = (node as Record<string, unknown> | undefined)?.[key];
  return typeof node === 'number' ? node : null;
}

export function evaluateThresholds(
  thresholds: readonly Threshold[],
  summary: MetricsSummary,
): ThresholdResult[] {
  return thresholds.map((t) => {
    const actual = lookup(summary, t.path);
    const ok = actual !== null && compare(actual, t.op, t.limit);
    return { expr: t.expr, actual, limit: t.limit, ok };
  });
}

function compare(actual: number, op: Op, limit: number): boolean {
  switch (op) {
    case '<':
      return actual < limit;
    case '<=':
      return actual <= limit;
    case '>':
      return actual > limit;
    case '>=':
      return actual >= limit;
    case '==':
      return actual === limit;
  }
}
