/**
 * The per-second time series: one row per `tick()`, rows of several recorders merged by second,
 * and max/avg/min of a per-second rate.
 */
import { encodeHistogram, histogramStats, mergeDecoded, mergeEncoded } from './histogram.ts';
import { ERROR_NAMES, type ErrorName } from './names.ts';
import { mergeControlsSeconds } from './operations.ts';
import type { GeneratorSample, HistoryRow, RateStats } from './types.ts';

/**
 * A history row as a snapshot carries it: the public row plus what an exact merge needs. Rows of
 * different recorders line up by `elapsedS` (seconds since the shared run start).
 */
export interface SnapshotRow extends HistoryRow {
  /** Monotonic ms this row covers: from the previous tick (or the start) to its own tick. */
  readonly spanMs: number;
  /** Highest active-connection gauge within the row (a merge sums these: see mergeSnapshots). */
  readonly peakConnections: number;
  /** Encoded per-second HDR histograms (µs) behind ttfeP50/P95 and durationP50/P95; null when empty. */
  readonly ttfeHistogram: string | null;
  readonly durationHistogram: string | null;
  /** The same for ttft, tpot and inter_event (`compare`'s block bootstrap); absent from older snapshots. */
  readonly ttftHistogram?: string | null;
  readonly tpotHistogram?: string | null;
  readonly interEventHistogram?: string | null;
}

/** The per-second histograms of a row by metric name (run.json's `blocks` and `compare` read these). */
export const SECOND_HISTOGRAMS = {
  ttfe: 'ttfeHistogram',
  request_duration: 'durationHistogram',
  ttft: 'ttftHistogram',
  tpot: 'tpotHistogram',
  inter_event: 'interEventHistogram',
} as const satisfies Record<string, keyof SnapshotRow>;

export type SecondHistogramMetric = keyof typeof SECOND_HISTOGRAMS;

/** One merged histogram of several encoded ones (null entries skipped); null when none is left. */
function mergeOptional(parts: readonly (string | null | undefined)[]): string | null {
  const present = parts.filter((p): p is string => typeof p === 'string');
  return present.length === 0 ? null : mergeEncoded(present);
}

/**
 * A row is a full second when it spans at least this long. Partial seconds, precisely:
 * - first: row 1 spans from the recorder's start (or reset) to the first tick, so it is full when
 *   the engine starts its 1 s timer with the run; if the timer first fires sooner (aligned to
 *   wall-clock seconds, say) that short row is partial by the same rule;
 * - last: the time after the last tick is in no row; a closing tick at stop makes a short row;
 * - a partial row is left out of max/avg/min (a rate over a short span is noise), never out of
 *   the totals. Timer ticks come ~1000 ms apart, late under load, never much early: the 10%
 *   slack absorbs a drift-corrected timer.
 */
export const FULL_ROW_MIN_SPAN_MS = 900;

/**
 * max/avg/min of a per-second rate over the full rows (see FULL_ROW_MIN_SPAN_MS). Each row's rate
 * is its count divided by its span, so a tick delayed to 1.5 s does not report 1.5 s of work as one
 * second. avg is the mean of those rates. With no full row (a run shorter than a second) the one
 * rate is `total / elapsed`; with no time at all, zeros.
 */
export function rateStats(
  rows: readonly SnapshotRow[],
  count: (row: SnapshotRow) => number,
  fallback: { readonly total: number; readonly elapsedMs: number },
): RateStats {
  let max = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  let sum = 0;
  let n = 0;
  for (const row of rows) {
    if (row.spanMs < FULL_ROW_MIN_SPAN_MS) continue;
    const rate = (count(row) * 1000) / row.spanMs;
    max = Math.max(max, rate);
    min = Math.min(min, rate);
    sum += rate;
    n++;
  }
  if (n > 0) return { max, avg: sum / n, min };
  if (fallback.elapsedMs <= 0) return { max: 0, avg: 0, min: 0 };
  const rate = (fallback.total * 1000) / fallback.elapsedMs;
  return { max: rate, avg: rate, min: rate };
}

/** Several generator samples of one second (several processes, or a timer that fired twice): the
 * worst of each field, since one saturated process makes its share of the latencies untrustworthy. */
export function worstGenerator(samples: readonly (GeneratorSample | null)[]): GeneratorSample | null {
  let worst: GeneratorSample | null = null;
  for (const s of samples) {
    if (s === null) continue;
    worst =
      worst === null
        ? s
        : {
            loopDelayP50Ms: Math.max(worst.loopDelayP50Ms, s.loopDelayP50Ms),
            loopDelayP99Ms: Math.max(worst.loopDelayP99Ms, s.loopDelayP99Ms),
            loopDelayMaxMs: Math.max(worst.loopDelayMaxMs, s.loopDelayMaxMs),
            cpu: Math.max(worst.cpu, s.cpu),
          };
  }
  return worst;
}

interface SecondHistogram {
  readonly encoded: string | null;
  readonly p50: number | null;
  readonly p95: number | null;
}

/** One per-second histogram of several rows: merged once, its percentiles read from the sum. */
function mergeSecondHistogram(parts: readonly SecondHistogram[]): SecondHistogram {
  const present = parts.filter((p) => p.encoded !== null);
  if (present.length <= 1) return present[0] ?? { encoded: null, p50: null, p95: null };
  const sum = mergeDecoded(present.map((p) => p.encoded!));
  const stats = histogramStats(sum, 'ms');
  return { encoded: encodeHistogram(sum), p50: stats.p50, p95: stats.p95 };
}

/** Most user classes a scenario may define (scenario/validate.ts), and so a merge keeps. */
export const MAX_USER_CLASSES = 1000;

/**
 * Users per class of several parts (processes, segments, rows of one second), summed: `{}` when
 * none had any, so a merge of runs without classes stays without the key.
 */
export function userClassesOf(parts: readonly (Readonly<Record<string, number>> | undefined)[]): {
  userClasses?: Record<string, number>;
} {
  if (parts.every((part) => part === undefined)) return {};
  const sum = new Map<string, number>();
  for (const part of parts) {
    for (const [name, users] of Object.entries(part ?? {})) {
      // A worker's snapshot is input: only counts, and no more names than a scenario may have.
      if (!Number.isSafeInteger(users) || users < 0) continue;
      if (!sum.has(name) && sum.size >= MAX_USER_CLASSES) continue;
      sum.set(name, (sum.get(name) ?? 0) + users);
    }
  }
  return { userClasses: sortedCounts(sum) };
}

/** Counts by name as a plain object in name order: the same keys in the same order from any merge. */
export function sortedCounts(counts: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sumOf(rows: readonly SnapshotRow[], pick: (row: SnapshotRow) => number): number {
  let sum = 0;
  for (const row of rows) sum += pick(row);
  return sum;
}

/**
 * One second (same `elapsedS`) of several recorders: counts and gauges summed, histograms added,
 * percentiles redone. Associative, so a parent may fold rows in as they arrive.
 */
export function mergeSecond(rows: readonly SnapshotRow[]): SnapshotRow {
  const first = rows[0]!;
  if (rows.length === 1) return first;
  const errors: Partial<Record<ErrorName, number>> = {};
  for (const name of ERROR_NAMES) {
    const n = sumOf(rows, (r) => r.errors[name] ?? 0);
    if (n > 0) errors[name] = n;
  }
  const ttfe = mergeSecondHistogram(
    rows.map((r) => ({ encoded: r.ttfeHistogram, p50: r.ttfeP50, p95: r.ttfeP95 })),
  );
  const duration = mergeSecondHistogram(
    rows.map((r) => ({ encoded: r.durationHistogram, p50: r.durationP50, p95: r.durationP95 })),
  );
  const controls = mergeControlsSeconds(rows.map((r) => r.controls));
  return {
    t: Math.max(...rows.map((r) => r.t)),
    elapsedS: first.elapsedS,
    users: sumOf(rows, (r) => r.users),
    activeConnections: sumOf(rows, (r) => r.activeConnections),
    connectionsOpened: sumOf(rows, (r) => r.connectionsOpened),
    requests: sumOf(rows, (r) => r.requests),
    failures: sumOf(rows, (r) => r.failures),
    events: sumOf(rows, (r) => r.events),
    bytes: sumOf(rows, (r) => r.bytes),
    tokens: sumOf(rows, (r) => r.tokens),
    good: sumOf(rows, (r) => r.good),
    totalRequests: 0, // recomputed over the merged series
    totalFailures: 0,
    ttfeP50: ttfe.p50,
    ttfeP95: ttfe.p95,
    durationP50: duration.p50,
    durationP95: duration.p95,
    errors,
    generator: worstGenerator(rows.map((r) => r.generator)),
    spanMs: Math.max(...rows.map((r) => r.spanMs)),
    peakConnections: sumOf(rows, (r) => r.peakConnections),
    ttfeHistogram: ttfe.encoded,
    durationHistogram: duration.encoded,
    ttftHistogram: mergeOptional(rows.map((r) => r.ttftHistogram)),
    tpotHistogram: mergeOptional(rows.map((r) => r.tpotHistogram)),
    interEventHistogram: mergeOptional(rows.map((r) => r.interEventHistogram)),
    ...(controls === undefined ? {} : { controls }),
    ...userClassesOf(rows.map((r) => r.userClasses)),
  };
}

/** Rows in second order with the cumulative totals re-summed over them. */
export function withRunningTotals(rows: Iterable<SnapshotRow>): SnapshotRow[] {
  let totalRequests = 0;
  let totalFailures = 0;
  return [...rows]
    .sort((a, b) => a.elapsedS - b.elapsedS)
    .map((row) => {
      totalRequests += row.requests;
      totalFailures += row.failures;
      // A row whose totals are already right is kept as is: its identity lets publicRow reuse its work.
      return row.totalRequests === totalRequests && row.totalFailures === totalFailures
        ? row
        : { ...row, totalRequests, totalFailures };
    });
}

/** Merges several recorders' rows by `elapsedS`. */
export function mergeHistories(histories: readonly (readonly SnapshotRow[])[]): SnapshotRow[] {
  const bySecond = new Map<number, SnapshotRow[]>();
  for (const rows of histories) {
    for (const row of rows) {
      const same = bySecond.get(row.elapsedS);
      if (same === undefined) bySecond.set(row.elapsedS, [row]);
      else same.push(row);
    }
  }
  return withRunningTotals([...bySecond.values()].map(mergeSecond));
}

/**
 * Public rows already made, by the snapshot row they came from. A recorder's rows never change once
 * ticked and keep their identity from one snapshot to the next, so the live view's summary each
 * second makes only the new second's public row: its cost stays flat as the history grows (an hour
 * of rows was rebuilt every second before). Weak: rows dropped by reset or merge are collected.
 */
const publicRows = new WeakMap<SnapshotRow, HistoryRow>();

/** The public row (run.json, CSV, UI): the merge-only fields dropped. Shared: read-only. */
export function publicRow(row: SnapshotRow): HistoryRow {
  const cached = publicRows.get(row);
  if (cached !== undefined) return cached;
  const {
    spanMs: _span,
    peakConnections: _peak,
    ttfeHistogram: _ttfe,
    durationHistogram: _duration,
    ttftHistogram: _ttft,
    tpotHistogram: _tpot,
    interEventHistogram: _interEvent,
    ...rest
  } = row;
  publicRows.set(row, rest);
  return rest;
}
