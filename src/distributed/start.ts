/**
 * Starting a scaled-out run: N child processes (`--processes N`) or K workers over WebSocket
 * (`streamload master`). Either way the caller gets a RunHandle over the exact merge, so it owns
 * the console, web UI, thresholds and reports exactly as for a single-process run.
 */
import type { RunHandle } from '../engine/types.ts';
import type { RunJson } from '../report/types.ts';
import { createCoordinator } from './coordinator.ts';
import { createMergedRun, type MergedOutcome } from './merged-run.ts';
import type { ScaleOut, ScaleOutResult } from './parts.ts';
import { forkProcesses } from './processes.ts';
import type { Plan } from './shares.ts';
import { listenForWorkers } from './ws.ts';

export type Placement =
  | {
      readonly kind: 'processes';
      readonly processes: number;
      /** The child's entry module (src/cli/process-child.ts; the CLI fills it in) and its arguments. */
      readonly entry?: string;
      readonly args?: readonly string[];
    }
  | {
      readonly kind: 'master';
      readonly expectWorkers: number;
      readonly host: string;
      readonly port: number;
      readonly joinTimeoutMs?: number;
      /** The master token workers must prove in their hello; null: none (loopback only). */
      readonly token: string | null;
      /** Called once the listener is up (tests read the ephemeral port). */
      readonly onListening?: (port: number) => void;
    };

export interface ScaledRunOptions {
  /** The resolved configuration (plain JSON) every part gets; each applies its share. */
  readonly config: Record<string, unknown>;
  readonly plan: Plan;
  readonly placement: Placement;
  /** The final merged snapshot, partial notice and outcome → run.json (thresholds, config, environment). */
  readonly finalize: (result: ScaleOutResult, outcome: MergedOutcome) => RunJson | Promise<RunJson>;
  /** The parent's own warnings over the merged result (e.g. the transport verdict), said once. */
  readonly ownWarnings?: (result: ScaleOutResult) => readonly string[];
  readonly notice: (line: string) => void;
}

export interface ScaledRun {
  readonly handle: RunHandle;
  /** Resolves when every part got its share (master: every expected worker joined). */
  readonly started: Promise<void>;
  /** The common start every part's second 1 counts from (processes: known at once). */
  readonly startAt: number | null;
  /** Ends children and the listener (after `handle.done`, or to clean up after a failure). */
  close(): Promise<void>;
}

export async function startScaledRun(options: ScaledRunOptions): Promise<ScaledRun> {
  const { placement, notice } = options;
  const handleOf = (scaled: ScaleOut): RunHandle => {
    const handle = createMergedRun(scaled, options.finalize, options.ownWarnings);
    // A join timeout rejects `started` and `done` together: callers await one of them, the other
    // must not become an unhandled rejection.
    handle.done.catch(() => {});
    return handle;
  };
  if (placement.kind === 'processes') {
    if (placement.entry === undefined) throw new Error('--processes: no child entry module given');
    const processes = forkProcesses({
      processes: placement.processes,
      config: options.config,
      plan: options.plan,
      entry: placement.entry,
      ...(placement.args === undefined ? {} : { args: placement.args }),
      notice,
    });
    return {
      handle: handleOf(processes),
      started: Promise.resolve(),
      startAt: processes.startAt,
      close: () => processes.close(),
    };
  }
  const coordinator = createCoordinator({
    expectWorkers: placement.expectWorkers,
    config: options.config,
    plan: options.plan,
    notice,
    // Remote workers may still be scheduled.
    joinTimeoutMs: placement.joinTimeoutMs ?? 120_000,
  });
  const handle = handleOf(coordinator);
  const listener = await listenForWorkers(coordinator, {
    host: placement.host,
    port: placement.port,
    token: placement.token,
    onRefused: (from) => notice(`refused a connection from ${from}: no valid hello with the master token`),
  });
  placement.onListening?.(listener.port);
  return { handle, started: coordinator.started, startAt: null, close: () => listener.close() };
}
