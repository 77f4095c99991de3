import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHistogram, encodeHistogram, histogramStats, mergeDecoded } from '../metrics/histogram.ts';
import type { SnapshotRow } from '../metrics/history.ts';
import { cumulativeDurations } from './cumulative.ts';

/** Seeded, so a failure replays. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

test('cumulative durations: each row is the exact merge of every second so far', () => {
  const rand = random(3);
  for (let trial = 0; trial < 20; trial++) {
    // From sub-µs to hours: the running counts grow past their first size.
    const scale = [10, 1e3, 1e6, 1e9, 1e11][trial % 5]!;
    const rows: SnapshotRow[] = [];
    for (let s = 0; s < 40; s++) {
      const h = createHistogram();
      const n = rand() < 0.15 ? 0 : Math.floor(rand() * 60);
      for (let i = 0; i < n; i++) h.recordValue(Math.round(rand() * rand() * scale));
      rows.push({ durationHistogram: rand() < 0.1 ? null : encodeHistogram(h) } as SnapshotRow);
    }
    const got = cumulativeDurations(rows);
    for (let i = 0; i < rows.length; i++) {
      const upTo = rows
        .slice(0, i + 1)
        .flatMap((r) => (r.durationHistogram === null ? [] : [r.durationHistogram]));
      const merged = upTo.length === 0 ? null : mergeDecoded(upTo);
      if (merged === null || merged.totalCount === 0) {
        assert.equal(got[i], i === 0 ? null : got[i - 1], `row ${i}`);
        continue;
      }
      const all = histogramStats(merged, 'ms');
      assert.equal(got[i]!.p50, all.p50, `p50 row ${i} trial ${trial}`);
      assert.equal(got[i]!.min, all.min);
      assert.equal(got[i]!.max, all.max);
      assert.ok(Math.abs(got[i]!.mean - all.mean) <= 1e-9 * Math.max(1, all.mean), `mean row ${i}`);
    }
  }
});
