/**
 * A recorder's state as plain JSON, to send between processes and machines and merge exactly:
 * histograms are added (never percentiles averaged), counters summed, and the connection-time
 * integral kept in integer connection·µs so its sums do not depend on merge order.
 */
import { failureKind } from './failure-kind.ts';
import { mergeEncoded } from './histogram.ts';
import { mergeHistories, type SnapshotRow, userClassesOf } from './history.ts';
import { ERROR_NAMES, type ErrorName } from './names.ts';
import { type ControlsTotals, mergeControlsTotals } from './operations.ts';
import type { CheckCounts, FailureEntry } from './types.ts';

export type { SnapshotRow } from './history.ts';

export const SNAPSHOT_SCHEMA = 'streamload.snapshot/v1';

export interface SnapshotTotals {
  readonly requests: number;
  readonly failures: number;
  /** Streams opened (`streamOpened()` calls). */
  readonly streams: number;
  /** SSE events received (`event()` calls), in-flight streams included. */
  readonly events: number;
  /** Response bytes: SSE events as they arrive, non-stream bodies when their request ends. */
  readonly bytes: number;
  readonly tokens: number;
  /** Requests that succeeded and met every SLO. */
  readonly good: number;
  /** Requests the tool cut and abandoned scenario code (absent in snapshots from before it existed). */
  readonly cancelled: number;
}

export interface SnapshotConnections {
  /** Open streams at snapshot time. */
  readonly active: number;
  /** The gauge's true maximum for one recorder; after a merge an upper bound (see mergeSnapshots). */
  readonly maxConcurrent: number;
  /** The gauge's maximum since the last closed history row (the second still open). */
  readonly openSecondPeak: number;
  /** ∫ active dt over the run in connection·µs (integer): avgActive = activeAreaUs / elapsed µs. */
  readonly activeAreaUs: number;
}

/** One (method, name) row of the request table. */
export interface SnapshotEntry {
  readonly method: string;
  readonly name: string;
  readonly requests: number;
  readonly failures: number;
  readonly contentBytes: number;
  /** Encoded request_duration histogram (µs) of this entry. */
  readonly duration: string;
}

/** The generator's own health over the run, from its per-second samples. */
export interface SnapshotGenerator {
  readonly samples: number;
  /** Σ round(cpu × 1e6) over the samples (integer, so merges are exact). */
  readonly cpuSumMicros: number;
  readonly cpuMax: number;
  /** Encoded histograms (µs) of the per-second loop-delay p50 and p99 samples; null before any. */
  readonly loopDelayP50: string | null;
  readonly loopDelayP99: string | null;
  readonly loopDelayMaxMs: number;
}

export interface Snapshot {
  readonly schema: typeof SNAPSHOT_SCHEMA;
  /** Unix ms when the recorder started (or was reset). */
  readonly startedAtMs: number;
  /** Monotonic ms from that start to the snapshot. */
  readonly elapsedMs: number;
  readonly users: number;
  readonly totals: SnapshotTotals;
  readonly connections: SnapshotConnections;
  /** Encoded HDR histograms by metric name, only metrics with samples (latencies in µs). */
  readonly histograms: Readonly<Record<string, string>>;
  readonly entries: readonly SnapshotEntry[];
  /** Every taxonomy name, zeros included. */
  readonly errors: Readonly<Record<ErrorName, number>>;
  /** First message seen per error name. */
  readonly errorSamples: Readonly<Partial<Record<ErrorName, string>>>;
  /** Grouped by (method, name, error), with the first message seen. */
  readonly failures: readonly FailureEntry[];
  /** Closed seconds, oldest first: all of them, or those after `historyAfterS` (see Recorder.snapshot). */
  readonly history: readonly SnapshotRow[];
  readonly generator: SnapshotGenerator;
  /** TCP connections opened, and how many on HTTP/2 (absent in snapshots of older peers). */
  readonly tcp?: { readonly opened: number; readonly h2: number };
  /** Scenario checks by name (absent in snapshots of older peers). */
  readonly checks?: Readonly<Record<string, CheckCounts>>;
  /** The client-side controls' totals; absent when no control was on. */
  readonly controls?: ControlsTotals;
  /** The most users of each scenario class at once (absent before the first user, and from older peers). */
  readonly userClasses?: Readonly<Record<string, number>>;
}

/** Groups items by a composite key, keeping first-seen order. */
function groupBy<T>(items: Iterable<T>, key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return [...groups.values()];
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += pick(item);
  return total;
}

function present<T>(items: readonly (T | null)[]): T[] {
  return items.filter((item): item is T => item !== null);
}

function mergeHistogramMaps(maps: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const byName = new Map<string, string[]>();
  for (const map of maps) {
    for (const [name, encoded] of Object.entries(map)) {
      const list = byName.get(name);
      if (list === undefined) byName.set(name, [encoded]);
      else list.push(encoded);
    }
  }
  const merged: Record<string, string> = {};
  for (const [name, list] of byName) merged[name] = mergeEncoded(list);
  return merged;
}

function mergeGenerators(generators: readonly SnapshotGenerator[]): SnapshotGenerator {
  const p50 = present(generators.map((g) => g.loopDelayP50));
  const p99 = present(generators.map((g) => g.loopDelayP99));
  return {
    samples: sum(generators, (g) => g.samples),
    cpuSumMicros: sum(generators, (g) => g.cpuSumMicros),
    cpuMax: Math.max(...generators.map((g) => g.cpuMax)),
    loopDelayP50: p50.length === 0 ? null : mergeEncoded(p50),
    loopDelayP99: p99.length === 0 ? null : mergeEncoded(p99),
    loopDelayMaxMs: Math.max(...generators.map((g) => g.loopDelayMaxMs)),
  };
}

/**
 * Merges snapshots of recorders that ran side by side (processes, machines) into the snapshot of
 * one recorder that saw every sample: counts, histograms, entries, failures, errors and every
 * history second are exact. Messages: the first snapshot's sample wins. Elapsed time is the longest.
 *
 * maxConcurrent is the one figure no merge can know exactly: the recorders' gauges peaked at
 * instants the snapshots do not hold. The merge uses the tightest bound the rows allow — the max
 * over aligned seconds of the summed per-second peaks (the open second included) — which is never
 * below the true peak and equals it in steady state. A single snapshot passes through unchanged.
 *
 * Cost grows with the history (each shared second's histograms are decoded and added): a parent
 * merging live every second should use createSnapshotMerger (merger.ts), which merges each second once.
 */
export function mergeSnapshots(snapshots: readonly Snapshot[]): Snapshot {
  checkSchemas(snapshots);
  if (snapshots.length === 1) return snapshots[0]!;
  return combineSnapshots(snapshots, mergeHistories(snapshots.map((s) => s.history)));
}

export function checkSchemas(snapshots: readonly Snapshot[]): void {
  if (snapshots.length === 0) throw new RangeError('mergeSnapshots needs at least one snapshot');
  for (const s of snapshots) {
    if (s.schema !== SNAPSHOT_SCHEMA) {
      throw new Error(`cannot merge snapshot schema ${String(s.schema)}: expected ${SNAPSHOT_SCHEMA}`);
    }
  }
}

/** Everything but the history merge: `history` is the snapshots' rows already merged. */
export function combineSnapshots(snapshots: readonly Snapshot[], history: SnapshotRow[]): Snapshot {
  const openSecondPeak = sum(snapshots, (s) => s.connections.openSecondPeak);
  let maxConcurrent = openSecondPeak;
  for (const row of history) maxConcurrent = Math.max(maxConcurrent, row.peakConnections);
  for (const s of snapshots) maxConcurrent = Math.max(maxConcurrent, s.connections.maxConcurrent);

  const errors = {} as Record<ErrorName, number>;
  const errorSamples: Partial<Record<ErrorName, string>> = {};
  for (const name of ERROR_NAMES) {
    errors[name] = sum(snapshots, (s) => s.errors[name]);
    const sample = snapshots.find((s) => s.errorSamples[name] !== undefined)?.errorSamples[name];
    if (sample !== undefined) errorSamples[name] = sample;
  }

  const entries = groupBy(
    snapshots.flatMap((s) => s.entries),
    (e) => JSON.stringify([e.method, e.name]),
  ).map((group): SnapshotEntry => {
    const first = group[0]!;
    return {
      method: first.method,
      name: first.name,
      requests: sum(group, (e) => e.requests),
      failures: sum(group, (e) => e.failures),
      contentBytes: sum(group, (e) => e.contentBytes),
      duration: mergeEncoded(group.map((e) => e.duration)),
    };
  });

  const failures = groupBy(
    snapshots.flatMap((s) => s.failures),
    (f) => JSON.stringify([f.method, f.name, failureKind(f.error, f.message)]),
  ).map((group): FailureEntry => ({ ...group[0]!, occurrences: sum(group, (f) => f.occurrences) }));

  const controls = mergeControlsTotals(snapshots.map((s) => s.controls));
  const totals = (pick: (t: SnapshotTotals) => number): number => sum(snapshots, (s) => pick(s.totals));
  return {
    schema: SNAPSHOT_SCHEMA,
    startedAtMs: Math.min(...snapshots.map((s) => s.startedAtMs)),
    elapsedMs: Math.max(...snapshots.map((s) => s.elapsedMs)),
    users: sum(snapshots, (s) => s.users),
    totals: {
      requests: totals((t) => t.requests),
      failures: totals((t) => t.failures),
      streams: totals((t) => t.streams),
      events: totals((t) => t.events),
      bytes: totals((t) => t.bytes),
      tokens: totals((t) => t.tokens),
      good: totals((t) => t.good),
      cancelled: totals((t) => t.cancelled ?? 0),
    },
    connections: {
      active: sum(snapshots, (s) => s.connections.active),
      maxConcurrent,
      openSecondPeak,
      activeAreaUs: sum(snapshots, (s) => s.connections.activeAreaUs),
    },
    histograms: mergeHistogramMaps(snapshots.map((s) => s.histograms)),
    entries,
    errors,
    errorSamples,
    failures,
    history,
    generator: mergeGenerators(snapshots.map((s) => s.generator)),
    tcp: {
      opened: sum(snapshots, (s) => s.tcp?.opened ?? 0),
      h2: sum(snapshots, (s) => s.tcp?.h2 ?? 0),
    },
    checks: mergeChecks(snapshots.map((s) => s.checks ?? {})),
    ...(controls === undefined ? {} : { controls }),
    ...userClassesOf(snapshots.map((s) => s.userClasses)),
  };
}

/**
 * Check names are scenario code's own strings: `constructor`, `toString` or `__proto__` must count
 * like any other name, so the merge keys a Map and answers a null-prototype record (a plain `{}`
 * read Object.prototype's members: NaN counts, and `__proto__` vanished).
 */
function mergeChecks(maps: readonly Readonly<Record<string, CheckCounts>>[]): Record<string, CheckCounts> {
  const merged = new Map<string, CheckCounts>();
  for (const map of maps) {
    for (const [name, counts] of Object.entries(map)) {
      const seen = merged.get(name);
      merged.set(
        name,
        seen === undefined
          ? { passes: counts.passes, fails: counts.fails }
          : { passes: seen.passes + counts.passes, fails: seen.fails + counts.fails },
      );
    }
  }
  return checkRecord(merged);
}

/** A null-prototype record of checks by name: every name an own key, none inherited. */
export function checkRecord(checks: Iterable<readonly [string, CheckCounts]>): Record<string, CheckCounts> {
  const record = Object.create(null) as Record<string, CheckCounts>;
  // No Object.prototype, so no `__proto__` setter: every name is assigned as an own property.
  for (const [name, counts] of checks) record[name] = counts;
  return record;
}
