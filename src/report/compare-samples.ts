/**
 * What `compare` measures on one side (one run or several repeats), and how it resamples it:
 * - a latency percentile: from the exact HDR histograms (point), and from run.json's `blocks`
 *   (per-block histograms, in 1 % log buckets) for the block bootstrap;
 * - a ratio of per-second counts (req/s, tokens/s, error rate, goodput, SLO attainment,
 *   operations): from the history rows, in blocks of consecutive seconds.
 * Each side's runs are pooled: their blocks are resampled together.
 */

import { UsageError } from '../errors.ts';
import {
  decodeHistogram,
  forEachBucket,
  histogramStats,
  mergeDecoded,
  US_PER_MS,
} from '../metrics/histogram.ts';
import type { HistoryRow, LatencyStats } from '../metrics/types.ts';
import type { RunJson } from './types.ts';

/** The percentiles judged; min and max are shown beside them, never judged. */
export const JUDGED_PERCENTILES = ['p50', 'p95', 'p99'] as const;
export type JudgedPercentile = (typeof JUDGED_PERCENTILES)[number];
export const PERCENT: Record<JudgedPercentile, number> = { p50: 50, p95: 95, p99: 99 };

/** Exact stats of a latency metric over a side's runs (their histograms added); null when absent. */
export function pooledLatency(runs: readonly RunJson[], metric: string): LatencyStats | null {
  const encoded = runs.flatMap((run) =>
    run.histograms[metric] === undefined ? [] : [run.histograms[metric]!],
  );
  if (encoded.length === 0) return null;
  const stats = histogramStats(mergeDecoded(encoded), 'ms');
  return stats.count > 0 ? stats : null;
}

/** Histogram buckets 1 % wide: fine enough beside a 5 % tolerance, few enough to resample fast. */
const LOG_STEP = Math.log(1.01);

/** A side's blocks of one latency metric as counts over a shared list of bucket values (ms). */
export interface LatencyBlocks {
  readonly values: Float64Array;
  readonly blocks: readonly Float64Array[];
}

/** The blocks of `metric` in every run of a side; null when a run has none (older run.json). */
export function latencyBlocks(
  side: { readonly runs: readonly RunJson[]; readonly files: readonly string[] },
  metric: string,
): LatencyBlocks | null {
  const sparse: Map<number, number>[] = [];
  const bucketValue = new Map<number, number>();
  for (const [r, run] of side.runs.entries()) {
    const blocks = run.blocks?.histograms[metric];
    if (blocks === undefined) return null;
    for (const [b, encoded] of blocks.entries()) {
      if (encoded === null) continue;
      const counts = new Map<number, number>();
      let h: ReturnType<typeof decodeHistogram>;
      try {
        h = decodeHistogram(encoded);
      } catch (error) {
        throw new UsageError(
          `${side.files[r]}: blocks.histograms.${metric}[${b}]: ${(error as Error).message}`,
        );
      }
      forEachBucket(h, (us, count) => {
        const key = us <= 0 ? -1 : Math.round(Math.log(us) / LOG_STEP);
        counts.set(key, (counts.get(key) ?? 0) + count);
        if (!bucketValue.has(key)) bucketValue.set(key, key < 0 ? 0 : Math.exp(key * LOG_STEP) / US_PER_MS);
      });
      sparse.push(counts);
    }
  }
  const keys = [...bucketValue.keys()].sort((a, b) => a - b);
  const index = new Map(keys.map((key, i) => [key, i]));
  const blocks = sparse.map((counts) => {
    const dense = new Float64Array(keys.length);
    for (const [key, count] of counts) dense[index.get(key)!] = count;
    return dense;
  });
  return { values: Float64Array.from(keys, (key) => bucketValue.get(key)!), blocks };
}

/** The judged percentiles of the blocks added with `weights` (how often each block was drawn). */
export function resampledPercentiles(data: LatencyBlocks, weights: Uint32Array): number[] {
  const merged = new Float64Array(data.values.length);
  let total = 0;
  data.blocks.forEach((block, b) => {
    const w = weights[b]!;
    if (w === 0) return;
    for (let i = 0; i < block.length; i++) merged[i]! += w * block[i]!;
  });
  for (let i = 0; i < merged.length; i++) total += merged[i]!;
  if (total === 0) return JUDGED_PERCENTILES.map(() => Number.NaN);
  const out: number[] = [];
  let cumulative = 0;
  let i = 0;
  for (const name of JUDGED_PERCENTILES) {
    const target = Math.max(1, Math.ceil((PERCENT[name] / 100) * total - 1e-9));
    while (i < merged.length && cumulative + merged[i]! < target) cumulative += merged[i++]!;
    out.push(data.values[Math.min(i, merged.length - 1)]!);
  }
  return out;
}

/** Counts per history row: the numerator and denominator of a ratio metric. */
export interface RowRatio {
  readonly numerator: (row: HistoryRow) => number;
  /** Per second when absent: the row's span in seconds. */
  readonly denominator?: (row: HistoryRow) => number;
}

/** A side's seconds grouped into blocks: per block, the sums of a ratio's two parts. */
export interface RatioBlocks {
  readonly numerators: Float64Array;
  readonly denominators: Float64Array;
}

/** Seconds each row spans: from the previous row's end (the first row: one second). */
function spansS(history: readonly HistoryRow[]): number[] {
  return history.map((row, i) => (i === 0 ? 1 : Math.max(0, (row.t - history[i - 1]!.t) / 1000)));
}

/**
 * Blocks of about n^(1/3) consecutive seconds (the usual block length for a block bootstrap of a
 * mean: long enough to keep the seconds' correlation inside a block), per run, pooled.
 */
export function ratioBlocks(runs: readonly RunJson[], ratio: RowRatio): RatioBlocks {
  const numerators: number[] = [];
  const denominators: number[] = [];
  for (const run of runs) {
    const spans = spansS(run.history);
    const length = Math.max(1, Math.floor(Math.cbrt(run.history.length)));
    for (let start = 0; start < run.history.length; start += length) {
      let num = 0;
      let den = 0;
      for (let i = start; i < Math.min(start + length, run.history.length); i++) {
        const row = run.history[i]!;
        num += ratio.numerator(row);
        den += ratio.denominator === undefined ? spans[i]! : ratio.denominator(row);
      }
      numerators.push(num);
      denominators.push(den);
    }
  }
  return { numerators: Float64Array.from(numerators), denominators: Float64Array.from(denominators) };
}

/** The ratio of the blocks added with `weights` (all ones: the point estimate); NaN on 0/0. */
export function resampledRatio(data: RatioBlocks, weights: Uint32Array | null): number {
  let num = 0;
  let den = 0;
  for (let b = 0; b < data.numerators.length; b++) {
    const w = weights === null ? 1 : weights[b]!;
    num += w * data.numerators[b]!;
    den += w * data.denominators[b]!;
  }
  return den > 0 ? num / den : Number.NaN;
}
