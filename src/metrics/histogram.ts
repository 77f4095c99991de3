/**
 * HDR histograms (hdr-histogram-js): 3 significant digits, 64-bit counts. Latencies are stored in
 * integer MICROSECONDS (input ms); count metrics (events_per_stream …) as plain integers.
 *
 * Two implementations, each where it is cheapest (numbers from `node bench/metrics.bench.ts`):
 * - Recording (the recorder's long-lived histograms) uses the WebAssembly build: `recordValue` costs
 *   ~20–45 ns against ~95–135 ns for the pure-JS build (3–4× less), and `event()` records one value
 *   per SSE event (~30 ns in all, no allocation: 0 GCs over 5 M calls).
 *   Wasm memory is not garbage collected, so every live histogram must be `destroy()`ed; the
 *   recorder owns them and frees them in `close()` (and a FinalizationRegistry as a safety net).
 * - Everything transient (decode, merge, stats) uses the pure-JS build: it is garbage collected, so
 *   no caller can leak wasm memory, and `histogramStats` reads its counts in one pass (the library's
 *   `mean` walks an allocating iterator: ~7 ms on a wide histogram, against ~0.1 ms here).
 * Both builds encode to the same bytes (tested), so a wasm-recorded histogram decodes into JS.
 */
import {
  build,
  decodeFromCompressedBase64,
  encodeIntoCompressedBase64,
  type Histogram,
  initWebAssemblySync,
  type JsHistogram,
} from 'hdr-histogram-js';
import { COUNT_METRICS, PERCENTILES } from './names.ts';

/** All in milliseconds, except the count metrics (plain numbers). Keys `p99.9`, `p99.99` are literal. */
export interface LatencyStats {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly p50: number;
  readonly p66: number;
  readonly p75: number;
  readonly p80: number;
  readonly p90: number;
  readonly p95: number;
  readonly p98: number;
  readonly p99: number;
  readonly 'p99.9': number;
  readonly 'p99.99': number;
}

export type { Histogram } from 'hdr-histogram-js';

/** `ms`: recorded in µs, reported in ms. `count`: recorded and reported as integers. */
export type HistogramUnit = 'ms' | 'count';

const SETTINGS = { bitBucketSize: 64, numberOfSignificantValueDigits: 3, autoResize: true } as const;
/** Histograms hold latencies in integer microseconds. */
export const US_PER_MS = 1000;

let wasmReady = false;

/** A histogram to record into on the hot path (wasm). The owner must call `destroy()` when done. */
export function createLiveHistogram(): Histogram {
  if (!wasmReady) {
    // Compiles the embedded module once per process (~30 ms), on first use rather than on import.
    initWebAssemblySync();
    wasmReady = true;
  }
  return build({ ...SETTINGS, useWebAssembly: true });
}

/** A garbage-collected histogram for merging and reading. */
export function createHistogram(): JsHistogram {
  return build(SETTINGS) as JsHistogram;
}

/** ms (float) → integer µs. Negative values (a clock step) clamp to 0; NaN/Infinity are bugs. */
export function toMicros(ms: number): number {
  const us = Math.round(ms * US_PER_MS);
  if (us >= 0 && us <= Number.MAX_SAFE_INTEGER) return us;
  if (us < 0) return 0;
  throw new RangeError(`metric value must be a finite number of ms, got ${ms}`);
}

/** Records a latency given in ms. */
export function recordMs(histogram: Histogram, ms: number): void {
  histogram.recordValue(toMicros(ms));
}

/** Records a count metric (events, bytes, tokens of one stream). */
export function recordCount(histogram: Histogram, n: number): void {
  if (!(n >= 0 && n <= Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`count metric must be a non-negative number, got ${n}`);
  }
  histogram.recordValue(Math.round(n));
}

/** `events_per_stream`, `bytes_per_stream`, `tokens_per_stream` are counts; everything else is ms. */
export function unitOf(metric: string): HistogramUnit {
  return (COUNT_METRICS as readonly string[]).includes(metric) ? 'count' : 'ms';
}

/** hdr-histogram-js's compressed base64 (`HISTF…`), readable by every HdrHistogram port. */
export function encodeHistogram(histogram: Histogram): string {
  return encodeIntoCompressedBase64(histogram);
}

export function decodeHistogram(encoded: string): JsHistogram {
  let decoded: Histogram;
  try {
    decoded = decodeFromCompressedBase64(encoded, SETTINGS.bitBucketSize, false);
  } catch (error) {
    throw new Error(`not an encoded HDR histogram: ${(error as Error).message}`);
  }
  return decoded as JsHistogram;
}

/** Exact merge into a garbage-collected histogram: the sum of the inputs' counts (at least one). */
export function mergeDecoded(encoded: readonly string[]): JsHistogram {
  if (encoded.length === 0) throw new RangeError('nothing to merge');
  // Adding into the first decoded histogram saves one allocation of a counts array per merge.
  const sum = decodeHistogram(encoded[0]!);
  sum.autoResize = true;
  for (let i = 1; i < encoded.length; i++) sum.add(decodeHistogram(encoded[i]!));
  return sum;
}

/** Exact merge, encoded (a single input is returned as is). */
export function mergeEncoded(encoded: readonly string[]): string {
  return encoded.length === 1 ? encoded[0]! : encodeHistogram(mergeDecoded(encoded));
}

/** Minimum count that reaches `percentile`, exactly as hdr-histogram-js's getValueAtPercentile. */
export function countAtPercentile(percentile: number, total: number): number {
  const fp = (Math.min(percentile, 100) / 100) * total;
  const ulp = 2 ** (Math.floor(Math.log2(fp)) - 52);
  return Math.max(Math.ceil(fp - ulp), 1);
}

/** 0 (min), the reported percentiles, 100 (max): ascending, so one pass over the counts finds all. */
const STAT_PERCENTILES: readonly number[] = [0, ...PERCENTILES, 100];

/** Width of the values that share counts index `i` (the library's sizeOfEquivalentValueRange). */
export function rangeAtIndex(i: number, halfMagnitude: number, unitMagnitude: number): number {
  const bucket = (i >> halfMagnitude) - 1;
  return 2 ** ((bucket < 0 ? 0 : bucket) + unitMagnitude);
}

/** Lowest value counted at index `i` (the library's valueFromIndex), given its `range`. */
export function lowestAtIndex(i: number, half: number, halfMagnitude: number, range: number): number {
  const subBucket = (i & (half - 1)) + (i >> halfMagnitude === 0 ? 0 : half);
  return subBucket * range;
}

/** Each non-empty bucket, lowest first: its median equivalent value (as recorded) and its count. */
export function forEachBucket(histogram: JsHistogram, visit: (value: number, count: number) => void): void {
  const { subBucketHalfCount: half, subBucketHalfCountMagnitude: halfMagnitude, unitMagnitude } = histogram;
  for (let i = 0; i < histogram.countsArrayLength; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count === 0) continue;
    const range = rangeAtIndex(i, halfMagnitude, unitMagnitude);
    visit(lowestAtIndex(i, half, halfMagnitude, range) + Math.floor(range / 2), count);
  }
}

/**
 * count, min, max, mean and the reported percentiles in one pass over the counts. Same answers as
 * the library's getValueAtPercentile (lowest equivalent value for 0, highest for the others) and
 * mean (median equivalent values): `histogram.test.ts` checks it. Zero-count → all zeros.
 */
export function histogramStats(histogram: JsHistogram, unit: HistogramUnit): LatencyStats {
  const total = histogram.totalCount;
  const values = new Array<number>(STAT_PERCENTILES.length).fill(0);
  let sum = 0;
  if (total > 0) {
    let next = 0;
    let target = countAtPercentile(STAT_PERCENTILES[0]!, total);
    let cumulative = 0;
    const length = histogram.countsArrayLength;
    const { subBucketHalfCount: half, subBucketHalfCountMagnitude: halfMagnitude, unitMagnitude } = histogram;
    for (let i = 0; i < length && cumulative < total; i++) {
      const count = histogram.getCountAtIndex(i);
      if (count === 0) continue;
      cumulative += count;
      // The library's valueFromIndex / lowest- / median- / highestEquivalentValue, inlined: they
      // redo log2 and pow per bucket; with them this pass took 1.37 ms on 13 k counts, now 0.35.
      const range = rangeAtIndex(i, halfMagnitude, unitMagnitude);
      const lowest = lowestAtIndex(i, half, halfMagnitude, range);
      sum += (lowest + Math.floor(range / 2)) * count;
      while (next < STAT_PERCENTILES.length && cumulative >= target) {
        values[next] = next === 0 ? lowest : lowest + range - 1;
        next++;
        if (next < STAT_PERCENTILES.length) target = countAtPercentile(STAT_PERCENTILES[next]!, total);
      }
    }
  }
  const scale = unit === 'ms' ? US_PER_MS : 1;
  const at = (i: number): number => values[i]! / scale;
  return {
    count: total,
    min: at(0),
    max: at(STAT_PERCENTILES.length - 1),
    mean: total > 0 ? sum / total / scale : 0,
    p50: at(1),
    p66: at(2),
    p75: at(3),
    p80: at(4),
    p90: at(5),
    p95: at(6),
    p98: at(7),
    p99: at(8),
    'p99.9': at(9),
    'p99.99': at(10),
  };
}

export function statsFromEncoded(encoded: string, unit: HistogramUnit): LatencyStats {
  return histogramStats(decodeHistogram(encoded), unit);
}

/**
 * How many recorded values are ≤ each bound (ascending, in the histogram's own unit): Prometheus'
 * cumulative `_bucket{le}` counts, in one pass over the counts. A value counts under a bound when
 * the lowest value of its HDR bucket is ≤ the bound (exact to the histogram's 3 significant digits).
 */
export function cumulativeCounts(histogram: JsHistogram, bounds: readonly number[]): number[] {
  const out = new Array<number>(bounds.length).fill(0);
  const total = histogram.totalCount;
  if (total === 0) return out;
  const { subBucketHalfCount: half, subBucketHalfCountMagnitude: halfMagnitude, unitMagnitude } = histogram;
  let seen = 0;
  let b = 0;
  for (let i = 0; i < histogram.countsArrayLength && seen < total; i++) {
    const count = histogram.getCountAtIndex(i);
    if (count === 0) continue;
    const lowest = lowestAtIndex(i, half, halfMagnitude, rangeAtIndex(i, halfMagnitude, unitMagnitude));
    while (b < bounds.length && lowest > (bounds[b] as number)) out[b++] = seen;
    seen += count;
  }
  while (b < bounds.length) out[b++] = seen;
  return out;
}
