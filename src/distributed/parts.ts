/**
 * The parts of a scaled run once each has its share — the children of `--processes N` or the
 * workers of `streamload master` — whatever carries their reports (IPC, WebSocket): merges their
 * cumulative snapshots exactly (createSnapshotMerger: histograms added, never percentiles
 * averaged), ticks the merge every second for the live view, and keeps the books on how each
 * part ended.
 *
 * A lost part (its process or connection went before its bye) is reported at once, naming its
 * segment; the run goes on; what it reported counts, the rest is missing and the result is
 * partial. A part that stopped on its own (its own Ctrl-C or SIGTERM, not the run's stop) ends
 * `stopped` with everything it measured; its share did not finish, so the result is partial too.
 */

import { createSnapshotMerger } from '../metrics/merger.ts';
import { createRecorder } from '../metrics/recorder.ts';
import type { Snapshot, SnapshotTotals } from '../metrics/snapshot.ts';
import { describeShare, formatSegment, type Share } from '../segments/shares.ts';
import { OperationalError } from '../util/operational-error.ts';
import type { RunStatus } from './protocol.ts';

/** run.json's `partial`: how many parts did not deliver their whole share, and which. */
export interface PartialResult {
  readonly lostWorkers: number;
  readonly workers: number;
  readonly notice: string;
}

/** One part's place in the result (for a per-worker breakdown and for checks). */
export interface WorkerReport {
  readonly share: Share;
  /** Totals of its last snapshot (null when it never reported). */
  readonly totals: SnapshotTotals | null;
  /** How its share ended, from its bye (null when lost). */
  readonly status: RunStatus | null;
  /** Its share's warnings, from its bye (none when lost: the partial notice names it). */
  readonly warnings: readonly string[];
}

export interface ScaleOutResult {
  /** Every part's last snapshot merged (lost parts included up to their last report). */
  readonly snapshot: Snapshot;
  readonly partial: PartialResult | null;
  /** Every part that got a share, in the order they got it. */
  readonly workers: readonly WorkerReport[];
}

/** A scaled run as its RunHandle sees it (merged-run.ts): ticks, the merge so far, stop, the end. */
export interface ScaleOut {
  /** Every second once a part reported: the merged cumulative snapshot. Returns an unsubscribe. */
  onTick(listener: (snapshot: Snapshot) => void): () => void;
  /** The exact merge so far (an empty snapshot before any part reported). */
  snapshot(options?: { readonly historyAfterS?: number }): Snapshot;
  /** Graceful stop or abort of every running part. */
  stop(mode: 'graceful' | 'abort'): void;
  /** Every part's share has ended (done or lost). */
  readonly done: Promise<ScaleOutResult>;
}

/** A scaled run as its starter hands it over (processes.ts, coordinator.ts startMaster). */
export interface ScaledRun extends ScaleOut {
  /** Resolves when every part has its share (master: every expected worker joined). */
  readonly started: Promise<void>;
  /** The common start (epoch ms) when known at once (`--processes`); null: the master's join sets it. */
  readonly startAt: number | null;
  /** Ends children or the listener (after `done`, or to clean up after a failure). */
  close(): Promise<void>;
}

/** What a part's transport delivers to the books. Calls after the part ended are ignored. */
export interface PartInbox {
  /** A cumulative snapshot (history rows after the last one sent); throws when it does not merge. */
  snapshot(snapshot: Snapshot): void;
  /** Its share ended; its final snapshot came just before. */
  bye(status: RunStatus, warnings: readonly string[]): void;
  lose(reason: string): void;
}

export interface Parts extends ScaleOut {
  /** A part that got `share`; `stop` forwards the run's stop to it. */
  add(label: string, share: Share, stop: (mode: 'graceful' | 'abort') => void): PartInbox;
  /** Every part is added: ticks begin, and `done` resolves once all of them ended. */
  seal(): void;
  /** The run failed before it began (no worker joined): `done` rejects with `error`. */
  fail(error: Error): void;
}

interface Part {
  readonly id: string;
  readonly label: string;
  readonly share: Share;
  readonly stop: (mode: 'graceful' | 'abort') => void;
  state: 'running' | 'done' | 'lost';
  lastSnapshotS: number;
  totals: SnapshotTotals | null;
  status: RunStatus | null;
  warnings: readonly string[];
  /** Why it did not deliver its whole share (lost, or stopped on its own); null when it did. */
  short: string | null;
}

export function createParts(options: { readonly notice: (line: string) => void }): Parts {
  const { notice } = options;
  const merger = createSnapshotMerger();
  const parts: Part[] = [];
  const tickListeners = new Set<(snapshot: Snapshot) => void>();
  let sealed = false;
  let finished = false;
  let everReported = false;
  let stopRequested = false;
  let tickTimer: NodeJS.Timeout | undefined;
  let resolveDone!: (result: ScaleOutResult) => void;
  let rejectDone!: (err: Error) => void;
  const done = new Promise<ScaleOutResult>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  // Callers may only await `started` (master.ts) and fail: no unhandled rejection.
  done.catch(() => {});

  const running = (): Part[] => parts.filter((p) => p.state === 'running');

  function maybeFinish(): void {
    if (finished || !sealed || running().length > 0) return;
    finished = true;
    clearInterval(tickTimer);
    if (!everReported) {
      const reasons = parts.map((p) => `${p.label}: ${p.short ?? 'no measurement'}`).join('; ');
      rejectDone(
        new OperationalError(
          `every worker was lost before sending a measurement, nothing to report (${reasons})`,
        ),
      );
      return;
    }
    resolveDone({
      snapshot: merger.merged(),
      partial: partialOf(),
      workers: parts.map(({ share, totals, status, warnings }) => ({ share, totals, status, warnings })),
    });
  }

  function partialOf(): PartialResult | null {
    const short = parts.filter((p) => p.short !== null);
    if (short.length === 0) return null;
    const lost = short.filter((p) => p.state === 'lost').length;
    const stopped = short.length - lost;
    const counts = [
      lost > 0 ? `${lost} of ${parts.length} workers lost` : '',
      stopped > 0 ? `${stopped} of ${parts.length} workers stopped before their share ended` : '',
    ].filter((c) => c !== '');
    const details = short.map(
      (p) =>
        `${p.label} (segment ${formatSegment(p.share)}: ${describeShare(p.share)}) ${p.short}; ` +
        `its measurements up to second ${p.lastSnapshotS} are kept, later ones are missing`,
    );
    return {
      lostWorkers: short.length,
      workers: parts.length,
      notice: `partial result: ${counts.join(', ')}. ${details.join('. ')}`,
    };
  }

  return {
    add(label, share, stop) {
      const part: Part = {
        id: `w${parts.length + 1}`,
        label,
        share,
        stop,
        state: 'running',
        lastSnapshotS: 0,
        totals: null,
        status: null,
        warnings: [],
        short: null,
      };
      parts.push(part);
      return {
        snapshot(snapshot) {
          if (part.state !== 'running') return;
          merger.add(part.id, snapshot);
          everReported = true;
          part.totals = snapshot.totals;
          part.lastSnapshotS = merger.lastSecond(part.id);
        },
        bye(status, warnings) {
          if (part.state !== 'running') return;
          part.state = 'done';
          part.status = status;
          part.warnings = warnings;
          if (status === 'stopped' && !stopRequested) {
            part.short = 'stopped on its own before its share ended (not by this run’s stop)';
            notice(
              `${part.label} stopped on its own: segment ${formatSegment(share)} (${describeShare(share)}) ends early; ` +
                'the result will be marked partial',
            );
          }
          maybeFinish();
        },
        lose(reason) {
          if (part.state !== 'running') return;
          part.state = 'lost';
          part.short = `lost — ${reason}`;
          notice(
            `${part.label} lost (${reason}): the run continues without segment ${formatSegment(share)} (${describeShare(share)}); ` +
              'the result will be marked partial',
          );
          maybeFinish();
        },
      };
    },
    seal() {
      sealed = true;
      tickTimer = setInterval(() => {
        if (!everReported) return;
        const snapshot = merger.merged();
        for (const listener of tickListeners) listener(snapshot);
      }, 1000);
      maybeFinish();
    },
    fail(error) {
      if (finished) return;
      finished = true;
      clearInterval(tickTimer);
      for (const part of running()) part.stop('abort');
      rejectDone(error);
    },
    onTick(listener) {
      tickListeners.add(listener);
      return () => tickListeners.delete(listener);
    },
    snapshot(snapshotOptions) {
      if (!everReported) return emptySnapshot();
      const merged = merger.merged();
      const after = snapshotOptions?.historyAfterS;
      return after === undefined
        ? merged
        : { ...merged, history: merged.history.filter((r) => r.elapsedS > after) };
    },
    stop(mode) {
      stopRequested = true;
      for (const part of running()) part.stop(mode);
    },
    done,
  };
}

function emptySnapshot(): Snapshot {
  const recorder = createRecorder();
  try {
    return recorder.snapshot();
  } finally {
    recorder.close();
  }
}
