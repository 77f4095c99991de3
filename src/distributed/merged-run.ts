/**
 * A coordinator seen as a RunHandle: the same seam a single-process run offers, so the console,
 * web UI, thresholds and reports work unchanged on merged results. Ticks carry the summary of the
 * exact merge; `finalize` turns the final merged snapshot (and the partial notice) into run.json.
 */

import { createSummaryFeed } from '../engine/summary-feed.ts';
import type { RunHandle } from '../engine/types.ts';
import type { RunJson } from '../report/types.ts';
import type { Coordinator, CoordinatorResult } from './coordinator.ts';

export function createMergedRun(
  coordinator: Coordinator,
  finalize: (result: CoordinatorResult) => RunJson | Promise<RunJson>,
): RunHandle {
  const feed = createSummaryFeed();
  coordinator.onTick((snapshot) => feed.publish(() => snapshot));
  return {
    onTick: (listener) => feed.subscribe(listener),
    setUsers(users) {
      coordinator.setUsers(users);
    },
    snapshot(options) {
      return coordinator.snapshot(options);
    },
    stop() {
      coordinator.stop('graceful');
    },
    abort() {
      coordinator.stop('abort');
    },
    done: coordinator.done.then(finalize),
  };
}
