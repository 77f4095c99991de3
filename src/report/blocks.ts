/**
 * run.json's `blocks`: the per-second latency histograms of the run, merged into at most
 * MAX_BLOCKS consecutive time blocks of equal length. `compare` resamples these blocks (a block
 * bootstrap): requests of the same seconds are correlated, so resampling single requests would
 * overstate the confidence. Bounded in size whatever the run's length (see README "Did it get worse?").
 */
import { mergeOptional, SECOND_HISTOGRAMS, type SnapshotRow } from '../metrics/history.ts';
import type { RunBlocks } from './types.ts';

/** Enough blocks for a bootstrap, few enough that run.json stays small (~5 metrics × 60 short strings). */
export const MAX_BLOCKS = 60;

export function buildBlocks(rows: readonly SnapshotRow[]): RunBlocks | undefined {
  if (rows.length === 0) return undefined;
  const seconds = Math.ceil(rows.length / MAX_BLOCKS);
  const histograms: Record<string, (string | null)[]> = {};
  for (const [metric, field] of Object.entries(SECOND_HISTOGRAMS)) {
    const blocks: (string | null)[] = [];
    for (let start = 0; start < rows.length; start += seconds)
      blocks.push(mergeOptional(rows.slice(start, start + seconds).map((row) => row[field])));
    if (blocks.some((b) => b !== null)) histograms[metric] = blocks;
  }
  return { seconds, histograms };
}
