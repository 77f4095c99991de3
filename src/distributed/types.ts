/**
 * The one seam between scale-out and the engine: a worker runs its share of the configured load
 * and exposes the recorder's cumulative snapshot. `src/run.ts` provides the implementation.
 */

import type { Snapshot } from '../metrics/snapshot.ts';
import type { Share } from '../segments/shares.ts';
import type { RunStatus } from './protocol.ts';

/** How a share ended: what a single-process run's run.json says, for the master to merge. */
export interface ShareOutcome {
  /** The final cumulative snapshot (full history). */
  readonly snapshot: Snapshot;
  readonly status: RunStatus;
  readonly warnings: readonly string[];
}

export interface ShareRun {
  /** The recorder's cumulative state; `historyAfterS` trims rows the parent already has. */
  snapshot(options?: { readonly historyAfterS?: number }): Snapshot;
  stop(): void;
  abort(): void;
  /** Resolves when the share has ended: its final snapshot, status and warnings. */
  readonly done: Promise<ShareOutcome>;
}

/** Starts a share of a run. `config` is the master's resolved configuration as plain JSON. */
export type StartShare = (config: Record<string, unknown>, share: Share) => ShareRun | Promise<ShareRun>;
