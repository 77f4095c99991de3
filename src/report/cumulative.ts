/**
 * Locust's stats_history.csv "Total …" columns are the cumulative values at each row: the
 * response times of every request completed up to that second. Computed once, when run.json is
 * built, from the per-second duration histograms (exact, so merged scaled runs stay exact): not on
 * the live path, where a summary is drawn every second.
 */
import {
  countAtPercentile,
  decodeHistogram,
  lowestAtIndex,
  rangeAtIndex,
  US_PER_MS,
} from '../metrics/histogram.ts';
import type { SnapshotRow } from '../metrics/history.ts';
import type { CumulativeDuration } from '../metrics/types.ts';

/**
 * The running counts of every second so far as a Fenwick tree over counts indices: adding a
 * second's bucket and finding the median are O(log buckets). The former running JsHistogram paid
 * `add` (resize + a walk of the whole counts array) and a full walk for the median on every row:
 * 538 ms of CPU for 19 rows at 2,000 streams, linear in the run's length.
 */
class RunningCounts {
  tree = new Float64Array(1 << 12);
  total = 0;

  add(index: number, count: number): void {
    const at = index + 1;
    while (at >= this.tree.length) this.grow();
    const tree = this.tree;
    for (let i = at; i < tree.length; i += i & -i) tree[i]! += count;
    this.total += count;
  }

  /** Doubling keeps every entry below the old size valid; the new top entry covers them all. */
  private grow(): void {
    const grown = new Float64Array(this.tree.length * 2);
    grown.set(this.tree);
    grown[this.tree.length] = this.total;
    this.tree = grown;
  }

  /** Lowest counts index whose cumulative count reaches `target` (1 ≤ target ≤ total). */
  indexReaching(target: number): number {
    const tree = this.tree;
    let at = 0;
    let remaining = target;
    for (let step = tree.length >> 1; step > 0; step >>= 1) {
      const next = at + step;
      if (next < tree.length && tree[next]! < remaining) {
        at = next;
        remaining -= tree[next]!;
      }
    }
    return at; // the tree is 1-based: index `at` (0-based) is where the target is reached
  }
}

/**
 * One entry per row: request_duration of everything completed up to it (null before the first).
 * min, max and mean come from each second's own counts (exact: a sum of the same bucket values,
 * in the order histogramStats sums them); the median from the running counts, with
 * getValueAtPercentile(50)'s answer. One pass over each second's counts; decoding the rows is the
 * rest (`npm run bench:metrics`, "cumulative" rows).
 */
export function cumulativeDurations(rows: readonly SnapshotRow[]): (CumulativeDuration | null)[] {
  const running = new RunningCounts();
  // Every histogram here is built with the same settings, so an index means the same value in all.
  let layout: string | null = null;
  let half = 0;
  let halfMagnitude = 0;
  let unitMagnitude = 0;
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let last: CumulativeDuration | null = null;
  return rows.map((row) => {
    // A second in which nothing completed changes nothing: the previous totals stand.
    if (row.durationHistogram === null) return last;
    const second = decodeHistogram(row.durationHistogram);
    const total = second.totalCount;
    if (total === 0) return last;
    const rowLayout = `${second.subBucketHalfCount}/${second.unitMagnitude}`;
    if (layout === null) {
      layout = rowLayout;
      half = second.subBucketHalfCount;
      halfMagnitude = second.subBucketHalfCountMagnitude;
      unitMagnitude = second.unitMagnitude;
    } else if (rowLayout !== layout) {
      throw new Error(`duration histograms of one run differ in precision (${rowLayout} vs ${layout})`);
    }
    let seen = 0;
    let rowSum = 0;
    let rowMin = -1;
    let rowMax = 0;
    const length = second.countsArrayLength;
    for (let i = 0; i < length && seen < total; i++) {
      const n = second.getCountAtIndex(i);
      if (n === 0) continue;
      seen += n;
      running.add(i, n);
      const range = rangeAtIndex(i, halfMagnitude, unitMagnitude);
      const lowest = lowestAtIndex(i, half, halfMagnitude, range);
      rowSum += (lowest + Math.floor(range / 2)) * n;
      if (rowMin < 0) rowMin = lowest;
      rowMax = lowest + range - 1;
    }
    const rowMean = rowSum / total / US_PER_MS;
    count += total;
    sum += rowMean * total;
    min = Math.min(min, rowMin / US_PER_MS);
    max = Math.max(max, rowMax / US_PER_MS);
    const p50At = running.indexReaching(countAtPercentile(50, running.total));
    const range = rangeAtIndex(p50At, halfMagnitude, unitMagnitude);
    const p50 = (lowestAtIndex(p50At, half, halfMagnitude, range) + range - 1) / US_PER_MS;
    last = { p50, mean: sum / count, min, max };
    return last;
  });
}
