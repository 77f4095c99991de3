/**
 * A coordinator seen as a RunHandle: the same seam a single-process run offers, so the console,
 * web UI, thresholds and reports work unchanged on merged results. Ticks carry the summary of the
 * exact merge; `finalize` turns the final merged snapshot (and the partial notice) into run.json.
 */

import type { RunHandle } from '../engine/types.ts';
import { summarize } from '../metrics/summary.ts';
import type { MetricsSummary } from '../metrics/types.ts';
import type { RunJson } from '../report/types.ts';
import type { Coordinator, CoordinatorResult } from './coordinator.ts';

export function createMergedRun(
  coordinator: Coordinator,
  finalize: (result: CoordinatorResult) => RunJson | Promise<RunJson>,
): RunHandle {
  return {
    onTick(listener: (summary: MetricsSummary) => void) {
      return coordinator.onTick((snapshot) => listener(summarize(snapshot)));
    },
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
