/**
 * The seam between the engine and what drives or watches it (CLI, web UI, worker processes).
 * `startRun` in `src/run.ts` returns a RunHandle.
 */
import type { Snapshot } from '../metrics/snapshot.ts';
import type { MetricsSummary } from '../metrics/types.ts';
import type { RunJson } from '../report/types.ts';

export interface RunHandle {
  /** Every second: the cumulative summary so far (history included). Returns an unsubscribe. */
  onTick(listener: (summary: MetricsSummary) => void): () => void;
  /** Change the target user count while running (closed model); spawns or retires users at the spawn rate. */
  setUsers(users: number): void;
  /** Graceful stop: no new requests; in-flight streams finish or are cut at the stop timeout. */
  stop(): void;
  /** Cut everything now; what was measured is still reported. */
  abort(): void;
  /**
   * The recorder's cumulative state as a mergeable snapshot (scale-out: a worker process sends it
   * every second; `historyAfterS` keeps only newer history rows). Stays valid after `done` resolves,
   * where it returns the final state.
   */
  snapshot(options?: { readonly historyAfterS?: number }): Snapshot;
  /** Resolves after the last in-flight request ends, with the final run.json object. */
  readonly done: Promise<RunJson>;
}
