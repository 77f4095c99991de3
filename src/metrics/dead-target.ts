/**
 * A target that stopped answering: the run's last seconds brought only connection errors after it
 * had answered (a crashed or killed server, a pod gone). Read from the per-second history, so one
 * process, `--processes`, master/workers and `streamload merge` all judge the same way.
 */
import type { HistoryRow } from './types.ts';

/** Fewer connection errors than this after the last answer are a blip, not a dead target. */
export const DEAD_TARGET_MIN_ERRORS = 3;

/** The warning's first words: run.json's `warnings` holds one such line at most. */
export const STOPPED_ANSWERING = 'target stopped answering at';

export interface StoppedAnswering {
  /** Seconds since the measured start: the end of the last second in which the target answered. */
  readonly atS: number;
  /** Connection errors after it, to the end of the run. */
  readonly connectionErrors: number;
}

type Row = Pick<HistoryRow, 'elapsedS' | 'requests' | 'events' | 'errors'>;

/** When the target stopped answering, or null when it answered to the end (or never answered). */
export function stoppedAnswering(history: readonly Row[]): StoppedAnswering | null {
  let connectionErrors = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const row = history[i]!;
    const refused = row.errors.connection_error ?? 0;
    // An answer: a request that got past the connection (a success or any other failure), or events.
    if (row.requests - refused > 0 || row.events > 0) {
      return connectionErrors >= DEAD_TARGET_MIN_ERRORS ? { atS: row.elapsedS, connectionErrors } : null;
    }
    connectionErrors += refused;
  }
  return null;
}

export function describeStoppedAnswering(stopped: StoppedAnswering): string {
  return `${STOPPED_ANSWERING} ${stopped.atS} s: all ${stopped.connectionErrors} requests after it failed to connect (connection_error)`;
}
