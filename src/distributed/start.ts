/**
 * Starting a scaled-out run: N child processes (`--processes N`) or K workers over WebSocket
 * (`streamload master`). Either way the caller gets a RunHandle over the exact merge, so it owns
 * the console, web UI, thresholds and reports exactly as for a single-process run.
 */
import type { RunHandle } from '../engine/types.ts';
import type { RunJson } from '../report/types.ts';
import { type CoordinatorResult, createCoordinator } from './coordinator.ts';
import { createMergedRun, type MergedOutcome } from './merged-run.ts';
import { forkWorkers } from './process-pool.ts';
import type { Plan } from './shares.ts';
import { listenForWorkers } from './ws.ts';

export type Placement =
  | { readonly kind: 'processes'; readonly processes: number; readonly startShareModule?: string }
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
  /** The resolved configuration (plain JSON) every worker gets; each applies its share. */
  readonly config: Record<string, unknown>;
  readonly plan: Plan;
  readonly placement: Placement;
  /** The final merged snapshot, partial notice and outcome → run.json (thresholds, config, environment). */
  readonly finalize: (result: CoordinatorResult, outcome: MergedOutcome) => RunJson | Promise<RunJson>;
  /** The parent's own warnings over the merged result (e.g. the transport verdict), said once. */
  readonly ownWarnings?: (result: CoordinatorResult) => readonly string[];
  readonly notice?: (line: string) => void;
}

export interface ScaledRun {
  readonly handle: RunHandle;
  /** Resolves when every expected worker joined and got its share. */
  readonly started: Promise<void>;
  /** Ends children and the listener (after `handle.done`, or to clean up after a failure). */
  close(): Promise<void>;
}

export async function startScaledRun(options: ScaledRunOptions): Promise<ScaledRun> {
  const { placement } = options;
  const expectWorkers = placement.kind === 'processes' ? placement.processes : placement.expectWorkers;
  const coordinator = createCoordinator({
    expectWorkers,
    config: options.config,
    plan: options.plan,
    ...(options.notice === undefined ? {} : { notice: options.notice }),
    // Local children start in well under a second; remote workers may still be scheduled.
    joinTimeoutMs: placement.kind === 'processes' ? 30_000 : (placement.joinTimeoutMs ?? 120_000),
  });
  const handle = createMergedRun(coordinator, options.finalize, options.ownWarnings);
  // A join timeout rejects `started` and `done` together: callers await one of them, the other
  // must not become an unhandled rejection.
  handle.done.catch(() => {});
  if (placement.kind === 'processes') {
    const pool = forkWorkers(
      coordinator,
      placement.processes,
      placement.startShareModule === undefined ? {} : { startShareModule: placement.startShareModule },
    );
    return { handle, started: coordinator.started, close: () => pool.close() };
  }
  const notice = options.notice ?? ((line: string) => process.stderr.write(`${line}\n`));
  const listener = await listenForWorkers(coordinator, {
    host: placement.host,
    port: placement.port,
    token: placement.token,
    onRefused: (from) => notice(`refused a connection from ${from}: no valid hello with the master token`),
  });
  placement.onListening?.(listener.port);
  return { handle, started: coordinator.started, close: () => listener.close() };
}
