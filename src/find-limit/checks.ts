/**
 * What makes a find-limit step hold, as ordinary thresholds on the step's run.json: each `--slo`
 * objective at a percentile (`ttft<500ms` → `ttft.p95<500ms`: at least 95 % of requests met it),
 * every `--threshold`, and `error_rate < --max-error-rate`. The step holds when all pass; its
 * run.json and junit.xml show each check with its actual value.
 */

import { fmt } from '../report/tables.ts';
import type { ThresholdResult } from '../report/types.ts';
import { type Objective, parseObjective } from '../slo/objectives.ts';
import { parseThreshold } from '../slo/thresholds.ts';

export interface CheckOptions {
  readonly slos: readonly string[];
  /** The percentile each objective is judged at (95 → p95). */
  readonly percentile: number;
  readonly thresholds: readonly string[];
  /** 0..1 */
  readonly maxErrorRate: number;
}

/** The threshold expressions a step is judged by, SLO checks first. */
export function stepChecks(options: CheckOptions): string[] {
  const slo = options.slos.map((expr) => {
    const o = parseObjective(expr) as Objective;
    return `${o.metric}.p${options.percentile}${o.op}${o.limitMs}ms`;
  });
  const errors = options.maxErrorRate > 0 ? `error_rate<${options.maxErrorRate * 100}%` : 'error_rate==0';
  return [...slo, ...options.thresholds, errors];
}

const OP_TEXT: Readonly<Record<string, string>> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥', '==': '=' };

/** `ttft p95 462 ms`, `error_rate 3.2%`, `goodput.avg 18.5`: a check's measured value, readably. */
export function describeActual(result: ThresholdResult): string {
  const parsed = parseThreshold(result.expr);
  if (typeof parsed === 'string') return `${result.expr}: ${fmt(result.actual)}`;
  const [head = '', ...rest] = parsed.path;
  if (result.actual === null) return `${parsed.path.join('.')} no samples`;
  if (head === 'error_rate' || head === 'slo_attainment') return `${head} ${fmt(result.actual * 100, 2)}%`;
  const isLatency = parsed.path.length === 2 && /^p\d|^(min|max|mean)$/.test(rest[0] ?? '');
  if (isLatency) return `${head} ${rest[0]} ${fmt(result.actual, 0)} ms`;
  return `${parsed.path.join('.')} ${fmt(result.actual, 2)}`;
}

/** `ttft p95 462 ms ≤ 500 ms`: the value against its limit. */
export function describeAgainstLimit(result: ThresholdResult): string {
  const parsed = parseThreshold(result.expr);
  const actual = describeActual(result);
  if (typeof parsed === 'string' || result.actual === null) return actual;
  const op = result.ok ? OP_TEXT[parsed.op] : negated(parsed.op);
  const head = parsed.path[0];
  const limit =
    head === 'error_rate' || head === 'slo_attainment'
      ? `${fmt(result.limit * 100, 2)}%`
      : actual.endsWith(' ms')
        ? `${fmt(result.limit, 0)} ms`
        : fmt(result.limit, 2);
  return `${actual} ${op} ${limit}`;
}

function negated(op: string): string {
  return { '<': '≥', '<=': '>', '>': '≤', '>=': '<', '==': '≠' }[op] ?? op;
}
