/**
 * `streamload compare`: two sides (a run or several repeats each), every metric a user decides on,
 * and a verdict per metric a CI job can gate on. A change is a regression only when it is
 * significant after Holm's adjustment over all judged metrics AND larger than the practical
 * tolerance AND in the metric's bad direction (README "Did it get worse?" says why).
 * Evidence: below 3 runs a side, a seeded block bootstrap of each side (blocks of seconds, so
 * the correlation of requests within a second is kept); with 3 or more on both, Welch's t over
 * the runs' values (the run-to-run noise itself).
 */
import { UsageError } from '../errors.ts';
import type { HistoryRow } from '../metrics/types.ts';
import { MAX_BLOCKS } from './blocks.ts';
import { configDifferences } from './compare-inputs.ts';
import {
  JUDGED_PERCENTILES,
  latencyBlocks,
  PERCENT,
  pooledLatency,
  type RowRatio,
  ratioBlocks,
  resampledPercentiles,
  resampledRatio,
} from './compare-samples.ts';
import type {
  ComparedMetric,
  CompareOptions,
  CompareSide,
  Comparison,
  Tolerance,
  Unit,
  Verdict,
} from './compare-types.ts';
import { blockTest, bootstrapSe, type ChangeTest, holm, welchTest } from './statistics.ts';

const ALPHA = 0.05;
/** Below this many blocks a side, a bootstrap says little: no verdict but inconclusive. */
const MIN_BLOCKS = 3;
/**
 * Samples beyond a percentile a side needs before it is judged within a run (p95: 200, p99: 1000):
 * below it the percentile is one of the few largest values, whose bootstrap is known to fail.
 */
const MIN_TAIL = 10;
/** With this many runs on both sides, the runs' own spread is the evidence (Welch). */
export const MIN_REPEATS = 3;
/** The absolute floor of the practical threshold, per unit: changes smaller never count. */
const FLOOR: Record<Unit, number> = { ms: 1, '/s': 0.1, share: 0.01, ratio: 0.01 };

/** The latency metrics judged (besides node_duration.* and operation_duration when present). */
const LATENCY_METRICS = ['ttft', 'tpot', 'inter_event', 'ttfe', 'request_duration'] as const;

interface Measured {
  readonly id: string;
  readonly unit: Unit;
  readonly better: 'lower' | 'higher' | null;
  readonly base: number | null;
  readonly candidate: number | null;
  readonly test: ChangeTest | null;
  readonly method: ComparedMetric['method'];
  readonly note: string | null;
}

/** A run without the per-block histograms the bootstrap needs: bad input when there is no Welch. */
function requireBlocks(side: CompareSide, other: CompareSide): void {
  if (side.runs.length >= MIN_REPEATS && other.runs.length >= MIN_REPEATS) return;
  side.runs.forEach((run, i) => {
    for (const metric of LATENCY_METRICS) {
      if (run.latency[metric] === undefined) continue;
      if (run.histograms[metric] === undefined)
        throw new UsageError(`${side.files[i]}: latency "${metric}" has no histogram (damaged run.json)`);
      if (run.blocks?.histograms[metric] === undefined)
        throw new UsageError(
          `${side.files[i]}: no per-second histograms for ${metric} (blocks; written by newer streamload runs): rerun it, or give ${MIN_REPEATS} or more runs per side`,
        );
      // A crafted file must not buy minutes of resampling: streamload writes at most MAX_BLOCKS.
      const count = run.blocks.histograms[metric]!.length;
      if (count > MAX_BLOCKS)
        throw new UsageError(
          `${side.files[i]}: blocks.histograms.${metric} has ${count} blocks, at most ${MAX_BLOCKS}`,
        );
    }
  });
}

export function compareSides(base: CompareSide, candidate: CompareSide, options: CompareOptions): Comparison {
  const differences = configDifferences(base, candidate, options.force);
  requireBlocks(base, candidate);
  requireBlocks(candidate, base);
  const welch = base.runs.length >= MIN_REPEATS && candidate.runs.length >= MIN_REPEATS;
  const measured: Measured[] = [];
  for (const metric of latencyMetrics(base, candidate))
    measured.push(...latencyRows(metric, base, candidate, welch, options));
  for (const [id, unit, better, ratio] of ratioMetrics(base, candidate))
    measured.push(ratioRow(id, unit, better, ratio, base, candidate, welch, options));
  const metrics = judge(measured, options);
  const method = welch
    ? `Welch t over runs (${base.runs.length} vs ${candidate.runs.length})`
    : `block bootstrap (${options.resamples} resamples, seed ${options.seed}; latencies: run.json blocks, rates: ~∛n-second blocks)`;
  return {
    base: { name: base.name, files: base.files },
    candidate: { name: candidate.name, files: candidate.files },
    method: `${method}; p-values Holm-adjusted over ${metrics.filter((m) => m.pAdjusted !== null).length} judged metrics; a regression is significant at ${ALPHA * 100} % and beyond the tolerance in the bad direction`,
    configDifferences: differences,
    metrics,
    regressed: metrics.filter((m) => m.verdict === 'regressed').map((m) => m.id),
  };
}

function latencyMetrics(base: CompareSide, candidate: CompareSide): string[] {
  const present = new Set<string>();
  for (const run of [...base.runs, ...candidate.runs])
    for (const name of Object.keys(run.latency)) present.add(name);
  const withOperations = [...base.runs, ...candidate.runs].every((run) => run.operations !== null);
  return [
    ...LATENCY_METRICS.filter((m) => present.has(m)),
    ...[...present].filter((m) => m.startsWith('node_duration.')).sort(),
    ...(withOperations && present.has('operation_duration') ? ['operation_duration'] : []),
  ];
}

function latencyRows(
  metric: string,
  base: CompareSide,
  candidate: CompareSide,
  welch: boolean,
  options: CompareOptions,
): Measured[] {
  const a = pooledLatency(base.runs, metric);
  const b = pooledLatency(candidate.runs, metric);
  const tests = new Map<string, ChangeTest>();
  const notes = new Map<string, string>();
  let note: string | null = null;
  if (a === null || b === null) note = `only in the ${a === null ? 'candidate' : 'base'}`;
  else if (welch) {
    for (const stat of JUDGED_PERCENTILES) {
      const values = (side: CompareSide) =>
        side.runs.flatMap((run) => (run.latency[metric] === undefined ? [] : [run.latency[metric]![stat]]));
      const [va, vb] = [values(base), values(candidate)];
      if (va.length >= 2 && vb.length >= 2) tests.set(stat, welchTest(va, vb));
    }
    if (tests.size === 0) note = 'fewer than 2 runs with it on a side';
  } else {
    const blocksA = latencyBlocks(base, metric);
    const blocksB = latencyBlocks(candidate, metric);
    if (blocksA === null || blocksB === null)
      note = `no per-second histograms for it: give ${MIN_REPEATS}+ runs a side to judge it`;
    else if (blocksA.blocks.length < MIN_BLOCKS || blocksB.blocks.length < MIN_BLOCKS)
      note = `fewer than ${MIN_BLOCKS} blocks (seconds) with samples on a side: run longer`;
    else {
      const seA = bootstrapSe(
        blocksA.blocks.length,
        (w) => resampledPercentiles(blocksA, w),
        options.resamples,
        options.seed,
      );
      const seB = bootstrapSe(
        blocksB.blocks.length,
        (w) => resampledPercentiles(blocksB, w),
        options.resamples,
        options.seed + 1,
      );
      JUDGED_PERCENTILES.forEach((stat, k) => {
        const needed = Math.ceil(MIN_TAIL / (1 - PERCENT[stat] / 100));
        if (Math.min(a!.count, b!.count) < needed)
          notes.set(
            stat,
            `fewer than ${needed} samples a side: a ${stat} would rest on a few extreme values`,
          );
        else if (Number.isFinite(seA[k]!) && Number.isFinite(seB[k]!))
          tests.set(
            stat,
            blockTest(
              b![stat] - a![stat],
              { se: seA[k]!, blocks: blocksA.blocks.length },
              { se: seB[k]!, blocks: blocksB.blocks.length },
            ),
          );
      });
    }
  }
  const method = welch ? 'Welch t over runs' : 'block bootstrap';
  const row = (stat: 'min' | 'max' | JudgedPercentile, judged: boolean): Measured => {
    const test = judged ? (tests.get(stat) ?? null) : null;
    return {
      id: `${metric}.${stat}`,
      unit: 'ms',
      better: judged ? 'lower' : null,
      base: test?.centers?.[0] ?? a?.[stat] ?? null,
      candidate: test?.centers?.[1] ?? b?.[stat] ?? null,
      test,
      method: test === null ? null : method,
      note: judged && test === null ? (notes.get(stat) ?? note ?? 'no estimate') : null,
    };
  };
  return [row('min', false), ...JUDGED_PERCENTILES.map((stat) => row(stat, true)), row('max', false)];
}

type JudgedPercentile = (typeof JUDGED_PERCENTILES)[number];

const perSecond = (count: (row: HistoryRow) => number): RowRatio => ({ numerator: count });
const share = (part: (row: HistoryRow) => number, whole: (row: HistoryRow) => number): RowRatio => ({
  numerator: part,
  denominator: whole,
});

function ratioMetrics(
  base: CompareSide,
  candidate: CompareSide,
): [string, Unit, 'lower' | 'higher', RowRatio][] {
  const runs = [...base.runs, ...candidate.runs];
  const rows: [string, Unit, 'lower' | 'higher', RowRatio][] = [
    ['requests_per_s', '/s', 'higher', perSecond((r) => r.requests)],
  ];
  if (runs.some((run) => run.totals.tokens > 0))
    rows.push(['output_tokens_per_s', '/s', 'higher', perSecond((r) => r.tokens)]);
  const perRequest = (part: (row: HistoryRow) => number) => share(part, (r) => r.requests);
  rows.push(['error_rate', 'share', 'lower', perRequest((r) => r.failures)]);
  if (runs.some((run) => Array.isArray(run.config.slo) && run.config.slo.length > 0)) {
    rows.push(['goodput', '/s', 'higher', perSecond((r) => r.good)]);
    rows.push(['slo_attainment', 'share', 'higher', perRequest((r) => r.good)]);
  }
  if (runs.every((run) => run.operations !== null)) {
    const ops = (pick: (c: NonNullable<HistoryRow['controls']>) => number) => (row: HistoryRow) =>
      row.controls === undefined ? 0 : pick(row.controls);
    const operations = ops((c) => c.operations);
    rows.push([
      'operations.success_rate',
      'share',
      'higher',
      share(
        ops((c) => c.succeeded),
        operations,
      ),
    ]);
    rows.push([
      'operations.error_rate',
      'share',
      'lower',
      share(
        ops((c) => c.failed),
        operations,
      ),
    ]);
    rows.push([
      'operations.refused_rate',
      'share',
      'lower',
      share(
        ops((c) => c.rejected),
        operations,
      ),
    ]);
    // More retries per operation: the server failed more often.
    rows.push([
      'operations.retries_per_operation',
      'ratio',
      'lower',
      share(
        ops((c) => c.retries),
        operations,
      ),
    ]);
  }
  return rows;
}

function ratioRow(
  id: string,
  unit: Unit,
  better: 'lower' | 'higher',
  ratio: RowRatio,
  base: CompareSide,
  candidate: CompareSide,
  welch: boolean,
  options: CompareOptions,
): Measured {
  const blocksA = ratioBlocks(base.runs, ratio);
  const blocksB = ratioBlocks(candidate.runs, ratio);
  const a = finite(resampledRatio(blocksA, null));
  const b = finite(resampledRatio(blocksB, null));
  let test: ChangeTest | null = null;
  let note: string | null = null;
  if (a === null || b === null) note = 'no requests on a side';
  else if (welch) {
    const values = (side: CompareSide) =>
      side.runs.flatMap((run) => {
        const v = finite(resampledRatio(ratioBlocks([run], ratio), null));
        return v === null ? [] : [v];
      });
    const [va, vb] = [values(base), values(candidate)];
    if (va.length >= 2 && vb.length >= 2) test = welchTest(va, vb);
    else note = 'fewer than 2 runs with it on a side';
  } else if (blocksA.numerators.length < MIN_BLOCKS || blocksB.numerators.length < MIN_BLOCKS)
    note = `fewer than ${MIN_BLOCKS} blocks (seconds) on a side: run longer`;
  else {
    const [seA] = bootstrapSe(
      blocksA.numerators.length,
      (w) => [resampledRatio(blocksA, w)],
      options.resamples,
      options.seed,
    );
    const [seB] = bootstrapSe(
      blocksB.numerators.length,
      (w) => [resampledRatio(blocksB, w)],
      options.resamples,
      options.seed + 1,
    );
    if (Number.isFinite(seA!) && Number.isFinite(seB!))
      test = blockTest(
        b - a,
        { se: seA!, blocks: blocksA.numerators.length },
        { se: seB!, blocks: blocksB.numerators.length },
      );
    else note = 'no estimate';
  }
  return {
    id,
    unit,
    better,
    base: test?.centers?.[0] ?? a,
    candidate: test?.centers?.[1] ?? b,
    test,
    method: test === null ? null : welch ? 'Welch t over runs' : 'block bootstrap',
    note,
  };
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The tolerance for a metric: its own, its family's (`ttft` for `ttft.p95`), or the default. */
function toleranceOf(id: string, options: CompareOptions): Tolerance {
  return (
    options.tolerances.get(id) ??
    options.tolerances.get(id.slice(0, id.lastIndexOf('.'))) ?? { relative: options.tolerance }
  );
}

function thresholdOf(m: Measured, options: CompareOptions): number {
  const tolerance = toleranceOf(m.id, options);
  if ('absolute' in tolerance) return tolerance.absolute;
  return Math.max(tolerance.relative * Math.abs(m.base ?? 0), FLOOR[m.unit]);
}

/** Holm over the judged metrics with evidence, then each one's verdict. */
function judge(measured: readonly Measured[], options: CompareOptions): ComparedMetric[] {
  const tested = measured.filter((m) => m.better !== null && m.test !== null);
  const holmP = holm(tested.map((t) => t.test!.p));
  const adjusted = new Map(tested.map((m, i) => [m, holmP[i]!] as const));
  return measured.map((m) => {
    const change = m.base === null || m.candidate === null ? null : m.candidate - m.base;
    const relative = change === null || m.base === 0 || m.base === null ? null : change / Math.abs(m.base);
    const pAdjusted = adjusted.get(m) ?? null;
    const threshold = m.better === null ? null : thresholdOf(m, options);
    let verdict: Verdict | null = null;
    if (m.better !== null) {
      if (m.test === null || pAdjusted === null || threshold === null) verdict = 'inconclusive';
      else {
        const bad = m.better === 'lower' ? m.test.change > 0 : m.test.change < 0;
        if (pAdjusted < ALPHA && Math.abs(m.test.change) > threshold)
          verdict = bad ? 'regressed' : 'improved';
        else if (m.test.low >= -threshold && m.test.high <= threshold) verdict = 'unchanged';
        else if (pAdjusted < ALPHA)
          verdict = 'unchanged'; // real, but smaller than the tolerance
        else verdict = 'inconclusive';
      }
    }
    return {
      id: m.id,
      unit: m.unit,
      better: m.better,
      base: m.base,
      candidate: m.candidate,
      change,
      relative,
      ci: m.test === null || m.better === null ? null : [m.test.low, m.test.high],
      p: m.better === null ? null : (m.test?.p ?? null),
      pAdjusted,
      method: m.better === null ? null : m.method,
      threshold,
      verdict,
      note: m.note,
    };
  });
}
