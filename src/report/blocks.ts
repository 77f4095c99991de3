/**
 * run.json's `blocks`: the per-second latency histograms of the run, merged into at most
 * MAX_BLOCKS consecutive time blocks of equal length. `compare` resamples these blocks (a block
 * bootstrap): requests of the same seconds are correlated, so resampling single requests would
 * overstate the confidence. Bounded in size whatever the run's length (see README "Did it get worse?").
 */
import { build, type JsHistogram } from 'hdr-histogram-js';
import { encodeHistogram, forEachBucket, mergeDecoded } from '../metrics/histogram.ts';
import { SECOND_HISTOGRAMS, type SnapshotRow } from '../metrics/history.ts';
import type { RunBlocks } from './types.ts';

/** Enough blocks for a bootstrap, few enough that run.json stays small (~5 metrics × 60 short strings). */
export const MAX_BLOCKS = 60;

export function buildBlocks(rows: readonly SnapshotRow[]): RunBlocks | undefined {
  if (rows.length === 0) return undefined;
  const seconds = Math.ceil(rows.length / MAX_BLOCKS);
  const histograms: Record<string, (string | null)[]> = {};
  for (const [metric, field] of Object.entries(SECOND_HISTOGRAMS)) {
    const blocks: (string | null)[] = [];
    for (let start = 0; start < rows.length; start += seconds) {
      const present = rows
        .slice(start, start + seconds)
        .flatMap((row) => (typeof row[field] === 'string' ? [row[field]] : []));
      blocks.push(present.length === 0 ? null : encodeHistogram(coarse(mergeDecoded(present))));
    }
    if (blocks.some((b) => b !== null)) histograms[metric] = blocks;
  }
  return { seconds, histograms };
}

/**
 * The same counts at 2 significant digits (1 % buckets, what compare resamples at) instead of 3:
 * about a third of the encoded size for a spread-out metric such as inter_event (README "Did it
 * get worse?" has the numbers); the exact run-wide histograms stay in `histograms`.
 */
function coarse(fine: JsHistogram): JsHistogram {
  const out = build({
    bitBucketSize: 64,
    numberOfSignificantValueDigits: 2,
    autoResize: true,
  }) as JsHistogram;
  forEachBucket(fine, (value, count) => out.recordValueWithCount(value, count));
  return out;
}
