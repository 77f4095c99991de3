/**
 * The Locust-style request table behind a recorder: one entry per (method, name) with its own
 * request_duration histogram, and its failures grouped by error name with the first message seen.
 * Nested maps, not a joined key, so a lookup per request allocates nothing.
 */
import { failureKind } from './failure-kind.ts';
import { encodeSlot, type LiveHistograms, type LiveSlot } from './live-histograms.ts';
import type { ErrorName } from './names.ts';
import { OTHER_NAME, type SeriesCap } from './series-cap.ts';
import type { SnapshotEntry } from './snapshot.ts';
import type { FailureEntry } from './types.ts';

export interface Entry {
  readonly method: string;
  readonly name: string;
  requests: number;
  failures: number;
  contentBytes: number;
  readonly duration: LiveSlot;
  /** By failure kind (failure-kind.ts): the error name, a connection_error's cause apart. */
  readonly failuresByError: Map<
    string,
    { readonly error: ErrorName; readonly message: string; occurrences: number }
  >;
}

export interface RequestTable {
  /** The entry of (method, name); past the cap's distinct ones, the method's `(other)` entry. */
  entry(method: string, name: string): Entry;
  /** Counts one failure of `entry`; the first message per (entry, error) is kept. */
  fail(entry: Entry, error: ErrorName, message: string): void;
  snapshot(): { entries: SnapshotEntry[]; failures: FailureEntry[] };
  /** Zeroes the counts; entries stay allocated (their histograms are reset by their owner). */
  reset(): void;
}

/** The request table's family in the series cap. */
export const REQUEST_NAMES = 'request names';

export function createRequestTable(histograms: LiveHistograms, cap: SeriesCap): RequestTable {
  const byMethod = new Map<string, Map<string, Entry>>();
  const all = (): Iterable<Entry> => [...byMethod.values()].flatMap((byName) => [...byName.values()]);
  return {
    entry(method, name) {
      let byName = byMethod.get(method);
      if (byName === undefined) {
        byName = new Map();
        byMethod.set(method, byName);
      }
      let entry = byName.get(name);
      // Request names may come from scenario code or data: past the cap they share one row.
      if (entry === undefined && cap.admit(REQUEST_NAMES, `${method} ${name}`) === OTHER_NAME) {
        name = OTHER_NAME;
        entry = byName.get(name);
      }
      if (entry === undefined) {
        entry = {
          method,
          name,
          requests: 0,
          failures: 0,
          contentBytes: 0,
          duration: histograms.unnamed(),
          failuresByError: new Map(),
        };
        byName.set(name, entry);
      }
      return entry;
    },

    fail(entry, error, message) {
      entry.failures++;
      const kind = failureKind(error, message);
      const failure = entry.failuresByError.get(kind);
      if (failure === undefined) entry.failuresByError.set(kind, { error, message, occurrences: 1 });
      else failure.occurrences++;
    },

    snapshot() {
      const entries: SnapshotEntry[] = [];
      const failures: FailureEntry[] = [];
      for (const e of all()) {
        if (e.requests === 0) continue; // untouched since a reset
        const { method, name, requests, contentBytes } = e;
        entries.push({
          method,
          name,
          requests,
          failures: e.failures,
          contentBytes,
          duration: encodeSlot(e.duration),
        });
        for (const f of e.failuresByError.values()) {
          failures.push({ method, name, error: f.error, message: f.message, occurrences: f.occurrences });
        }
      }
      return { entries, failures };
    },

    reset() {
      for (const e of all()) {
        e.requests = e.failures = e.contentBytes = 0;
        e.failuresByError.clear();
      }
    },
  };
}
