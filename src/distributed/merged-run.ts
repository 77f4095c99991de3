/**
 * A scaled run (`--processes` children or `master` workers) seen as a RunHandle: the same seam a
 * single-process run offers, so the console, web UI, thresholds and reports work unchanged on
 * merged results. Ticks carry the summary of the
 * exact merge; `finalize` turns the final merged snapshot, the partial notice and the run's outcome
 * (the parent's stop or abort over the workers' statuses, the workers' warnings) into run.json.
 */

import { createSummaryFeed } from '../engine/summary-feed.ts';
import { mergeOutcomes, type PartOutcome } from '../report/outcome.ts';
import type { RunJson } from '../report/types.ts';
import type { RunHandle } from '../run.ts';
import type { ScaleOut, ScaleOutResult, WorkerReport } from './parts.ts';
import type { RunStatus } from './protocol.ts';

/** The merged run's status and its workers' warnings (deduplicated, naming their segments). */
export interface MergedOutcome {
  readonly status: RunStatus;
  readonly warnings: readonly string[];
}

export function createMergedRun(
  scaled: ScaleOut,
  finalize: (result: ScaleOutResult, outcome: MergedOutcome) => RunJson | Promise<RunJson>,
  /** The parent's own verdicts over the merged result (transport): the workers' copies are dropped. */
  ownWarnings: (result: ScaleOutResult) => readonly string[] = () => [],
): RunHandle {
  const feed = createSummaryFeed();
  scaled.onTick((snapshot) => feed.publish(() => snapshot));
  // The parent's own word (Ctrl-C, the web UI's stop): what a single-process run records too.
  let own: RunStatus = 'completed';
  return {
    onTick: (listener) => feed.subscribe(listener),
    setUsers() {
      // Every part's share was fixed at the start (its segment); a new total would need new shares.
      throw new Error(
        'a scaled-out run (--processes, master) cannot change its user count while running: stop it and start one with the new --users',
      );
    },
    snapshot(options) {
      return scaled.snapshot(options);
    },
    stop() {
      if (own === 'completed') own = 'stopped';
      scaled.stop('graceful');
    },
    abort() {
      own = 'aborted';
      scaled.stop('abort');
    },
    done: scaled.done.then((result) =>
      finalize(
        result,
        mergeOutcomes({ status: own, warnings: ownWarnings(result) }, result.workers.flatMap(ended)),
      ),
    ),
  };
}

/** A worker that said bye with its outcome; a lost one has none (the partial notice names it). */
function ended(worker: WorkerReport): PartOutcome[] {
  return worker.status === null
    ? []
    : [{ segment: worker.share, status: worker.status, warnings: worker.warnings }];
}
