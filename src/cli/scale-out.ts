/** `run --processes N`: the same session, with the load split over N worker processes and merged exactly. */
import { redactSecrets } from '../config/redact.ts';
import {
  createMergedRun,
  forkProcesses,
  type MasterOptions,
  parseProcesses,
  type ScaledRun,
  startMaster,
  withScaleOut,
} from '../distributed/index.ts';
import { loadRunScenario } from '../engine/scenario/load.ts';
import { transportWarnings } from '../engine/transport.ts';
import { EXIT_INTERRUPTED, ExitError } from '../errors.ts';
import type { GlobalState } from '../global-state.ts';
import { effectiveControls, type LiveRunHandle, type RunHandle, runJsonOf } from '../run.ts';
import { redactConfig } from '../run-config/resolve.ts';
import { planOf } from '../run-config/share-config.ts';
import type { RunConfig } from '../run-config/types.ts';
import { type RunObserver, runSession } from '../session/run-session.ts';
import { PROCESS_CHILD } from './entries.ts';

/**
 * Progress for the live view from the merge so far: the same snapshot the view summarizes, so its
 * count never lags behind the rows it shows (a short run may end before the next merged tick).
 */
export function withMergedProgress(handle: RunHandle): LiveRunHandle {
  const began = performance.now();
  return {
    ...handle,
    progress: () => {
      const { totals, users } = handle.snapshot();
      return {
        elapsedMs: performance.now() - began,
        // With --iterations, progress is in requests (as in one process); cut ones were sent too.
        iterations: totals.requests + (totals.cancelled ?? 0),
        users,
        dropped: 0,
        warnings: [],
      };
    },
  };
}

/** Where the parts of a scaled run run: N children of this process, or `streamload worker`s. */
export type Placement =
  | { readonly kind: 'processes'; readonly processes: number }
  | ({ readonly kind: 'master'; readonly onListening?: (port: number) => void } & MasterOptions);

/**
 * A run split over N local processes or K remote workers, behind a LiveRunHandle. `state`: where
 * its notices go and the stop signals that end the wait for the common start.
 */
export async function startScaledSession(
  config: RunConfig,
  origin: string,
  placement: Placement,
  state: Pick<GlobalState, 'stderr' | 'onStopSignal'>,
): Promise<LiveRunHandle> {
  let startedAt = new Date();
  // The parts apply the scenario's own controls; run.json echoes them as one process's does.
  const controls = effectiveControls(config, await loadRunScenario(config));
  const parts = {
    // RunConfig is plain JSON; each worker checks it on receipt (config/wire.ts configFromWire).
    config: { ...config, target: origin },
    plan: planOf(config),
    notice: (line: string) => state.stderr.write(`${line}\n`),
  };
  const scaled: ScaledRun =
    placement.kind === 'processes'
      ? forkProcesses({ ...parts, processes: placement.processes, entry: PROCESS_CHILD })
      : await startMaster({ ...parts, ...placement });
  const handle = createMergedRun(
    scaled,
    (result, outcome) =>
      withScaleOut(
        runJsonOf(config, origin, {
          snapshot: result.snapshot,
          status: outcome.status,
          startedAt,
          recorded: {
            ...redactConfig({ ...config, controls }),
            // The placement carries the master token.
            placement: redactSecrets({ ...placement, onListening: undefined }),
          },
          // The transport verdict, then every worker's saturation, caps… naming its segments.
          warnings: outcome.warnings,
        }),
        result,
      ),
    // Every process's connections are in the merged snapshot: one transport verdict for all.
    (result) => transportWarnings(config, origin, result.snapshot.tcp ?? { opened: 0, h2: 0 }),
  );
  // A join timeout rejects `started` and `done` together: `done` must not go unobserved.
  handle.done.catch(() => {});
  try {
    await scaled.started;
    if (scaled.startAt !== null) await untilCommonStart(scaled.startAt, state);
  } catch (error) {
    // No run (no worker joined in time, or stopped first): children and listener must not stay.
    await scaled.close();
    throw error;
  }
  // The run's clock starts with the load, not with the fork or the join wait (D7).
  startedAt = new Date(scaled.startAt ?? Date.now());
  // runSession awaits `done` and reports its failure; this branch only cleans up, so it must not
  // become an unhandled rejection when every worker was lost before measuring.
  handle.done.finally(() => scaled.close()).catch(() => {});
  return withMergedProgress(handle);
}

/**
 * Waits for the children's common start, so the banner and the live view begin with the load. A
 * stop signal first ends the run before any load, as during a `--start-at` wait (run-session.ts
 * says so and exits 130; the caller ends the children).
 */
async function untilCommonStart(startAt: number, state: Pick<GlobalState, 'onStopSignal'>): Promise<void> {
  let off = (): void => {};
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, Math.max(0, startAt - Date.now()));
      off = state.onStopSignal((signal) => {
        clearTimeout(timer);
        reject(new ExitError(`${signal} before the load started: nothing was measured`, EXIT_INTERRUPTED));
      });
    });
  } finally {
    off();
  }
}

/** The users a closed run splits over its processes (its largest stage), or null for arrival rates. */
function splitUsers(config: RunConfig): number | null {
  if (config.rate !== null) return null;
  if (config.stages !== null) return Math.max(...config.stages.map((stage) => stage.target));
  return config.users;
}

export async function runScaledOut(
  config: RunConfig,
  state: GlobalState,
  processesText: string,
  observer?: RunObserver,
): Promise<number> {
  const processes = parseProcesses(processesText, splitUsers(config));
  const result = await runSession(config, state, {
    ...(observer === undefined ? {} : { observer }),
    start: (c, origin) => startScaledSession(c, origin, { kind: 'processes', processes }, state),
    usersPerProcess: Math.ceil(config.users / processes),
  });
  return result.exitCode;
}
