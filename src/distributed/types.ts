/**
 * The one seam between scale-out and the engine: a worker runs its share of the configured load
 * and exposes the recorder's cumulative snapshot. `src/run.ts` provides the implementation.
 */
import type { Snapshot } from '../metrics/snapshot.ts';
import type { Share } from './shares.ts';

export interface ShareRun {
  /** The recorder's cumulative state; `historyAfterS` trims rows the parent already has. */
  snapshot(options?: { readonly historyAfterS?: number }): Snapshot;
  /** Closed model: change this share's user count while running (rebalance after a late join). */
  setUsers(users: number): void;
  stop(): void;
  abort(): void;
  /** Resolves when the share has ended, with the final cumulative snapshot (full history). */
  readonly done: Promise<Snapshot>;
}

/** Starts a share of a run. `config` is the master's resolved configuration as plain JSON. */
export type StartShare = (config: Record<string, unknown>, share: Share) => ShareRun | Promise<ShareRun>;
