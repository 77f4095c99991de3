/**
 * A parent's live merge of its workers' snapshots (processes, machines). Workers send their latest
 * snapshot with only the history rows the parent lacks (`recorder.snapshot({ historyAfterS:
 * merger.lastSecond(id) })`); each second is merged once, as its rows arrive, so a merge every
 * second costs the new seconds, not the whole run. The result equals mergeSnapshots over the
 * workers' full snapshots.
 *
 * A source whose recorder restarts (`--warmup` ended: every worker resets at the same point of its
 * run) begins a new measurement: the first restarted source clears what was merged, and sources
 * that have not restarted yet are ignored until they do, so the merge holds only post-warmup data.
 */
import { mergeSecond, type SnapshotRow, withRunningTotals } from './history.ts';
import { checkSchemas, combineSnapshots, type Snapshot } from './snapshot.ts';

export interface SnapshotMerger {
  /** A source's latest snapshot; history rows already merged for that source are skipped. */
  add(source: string, snapshot: Snapshot): void;
  /** The newest history second merged from `source` (0 before any): its next `historyAfterS`. */
  lastSecond(source: string): number;
  /** Every source's latest state merged, history included. At least one source must have reported. */
  merged(): Snapshot;
  /** Forgets everything: the run was reset (sources restart their rows at second 1). */
  reset(): void;
}

interface MergedSecond {
  row: SnapshotRow;
  readonly sources: Set<string>;
}

export function createSnapshotMerger(): SnapshotMerger {
  const latest = new Map<string, Snapshot>();
  const lastSeconds = new Map<string, number>();
  const seconds = new Map<number, MergedSecond>();
  /** Per source: its recorder's start and how many times it restarted. */
  const starts = new Map<string, { startedAtMs: number; restarts: number }>();
  let epoch = 0;
  return {
    add(source, snapshot) {
      checkSchemas([snapshot]);
      const known = starts.get(source);
      const restarts =
        known === undefined ? epoch : known.restarts + (known.startedAtMs === snapshot.startedAtMs ? 0 : 1);
      starts.set(source, { startedAtMs: snapshot.startedAtMs, restarts });
      // Still measuring the previous epoch (its warmup has not ended yet): not part of this merge.
      if (restarts < epoch) return;
      if (restarts > epoch) {
        // Its rows restarted at second 1: folding them into the old seconds would count twice.
        epoch = restarts;
        latest.clear();
        lastSeconds.clear();
        seconds.clear();
      }
      latest.set(source, snapshot);
      for (const row of snapshot.history) {
        const merged = seconds.get(row.elapsedS);
        if (merged === undefined) {
          seconds.set(row.elapsedS, { row, sources: new Set([source]) });
        } else if (!merged.sources.has(source)) {
          merged.row = mergeSecond([merged.row, row]);
          merged.sources.add(source);
        }
        lastSeconds.set(source, Math.max(lastSeconds.get(source) ?? 0, row.elapsedS));
      }
    },
    lastSecond(source) {
      return lastSeconds.get(source) ?? 0;
    },
    merged() {
      const snapshots = [...latest.values()];
      checkSchemas(snapshots);
      const history = withRunningTotals([...seconds.values()].map((s) => s.row));
      // Kept with their totals: the next merge returns unchanged seconds as the same rows, so a
      // summary of an hour-long merged run makes only the new seconds' public rows.
      for (const row of history) seconds.get(row.elapsedS)!.row = row;
      return combineSnapshots(snapshots, history);
    },
    reset() {
      starts.clear();
      epoch = 0;
      latest.clear();
      lastSeconds.clear();
      seconds.clear();
    },
  };
}
