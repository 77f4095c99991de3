/**
 * Running one share and reporting it upward, the same for a `--processes` child (over IPC) and a
 * `streamload worker` (over WebSocket): wait for the common start, run the share, send a
 * cumulative snapshot every second (only the history rows not sent yet), then the final snapshot
 * and a bye with the share's status and warnings.
 */

import type { Snapshot } from '../metrics/snapshot.ts';
import type { Share } from '../segments/shares.ts';
import { MAX_BYE_WARNINGS, type WorkerMessage } from './protocol.ts';
import type { ShareRun, StartShare } from './types.ts';

export interface WorkerOutcome {
  /** 0: share done (or stopped); 1: upstream lost or the share failed; 2: refused or an invalid message. */
  readonly exitCode: 0 | 1 | 2;
  readonly message: string;
}

export interface ShareReport {
  /** The run's stop, from the parent or the master. */
  stop(mode: 'graceful' | 'abort'): void;
  /**
   * This process's own stop signal (its Ctrl-C, a pod's SIGTERM): a graceful stop whose bye says
   * why, with every measurement so far; the share did not finish, and the parent knows it did not
   * ask for the stop.
   */
  stopOwn(why: string): void;
  /** Upstream is gone: cut the share now and send nothing more. */
  abandon(): void;
  /** After the bye was sent (or the share failed, or was abandoned). */
  readonly done: Promise<WorkerOutcome>;
}

export function reportShare(
  config: Record<string, unknown>,
  share: Share,
  startShare: StartShare,
  send: (message: WorkerMessage) => void,
  options: { readonly snapshotEveryMs?: number } = {},
): ShareReport {
  let run: ShareRun | null = null;
  let requested: 'graceful' | 'abort' | null = null;
  let own: string | null = null;
  let abandoned = false;
  let lastSentS = 0;
  let sentStartedAtMs: number | undefined;
  let wake = (): void => {};

  const apply = (mode: 'graceful' | 'abort'): void => {
    requested = requested === 'abort' ? 'abort' : mode;
    wake();
    if (run === null) return;
    if (requested === 'abort') run.abort();
    else run.stop();
  };
  const sendSnapshot = (snapshot: Snapshot): void => {
    send({ type: 'snapshot', snapshot });
    sentStartedAtMs = snapshot.startedAtMs;
    const last = snapshot.history.at(-1);
    if (last !== undefined) lastSentS = Math.max(lastSentS, last.elapsedS);
  };
  const failed = (what: string, err: unknown): WorkerOutcome => {
    const message = `${what}: ${err instanceof Error ? err.message : String(err)}`;
    if (!abandoned) send({ type: 'bye', reason: 'error', message });
    return { exitCode: 1, message };
  };

  const done = (async (): Promise<WorkerOutcome> => {
    // The common start (`startAt` in the config): every part's second 1 is the same wall second.
    const waitMs = typeof config.startAt === 'number' ? config.startAt - Date.now() : 0;
    if (waitMs > 0)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    if (abandoned) return { exitCode: 1, message: 'upstream lost before the share started' };
    let current: ShareRun;
    try {
      current = await startShare(config, share);
    } catch (err) {
      return failed('could not start the share', err);
    }
    run = current;
    // A stop that came while the share was starting (it still ends with a snapshot and a bye).
    if (abandoned) current.abort();
    else if (requested !== null) apply(requested);
    const timer = setInterval(() => {
      let snapshot = current.snapshot({ historyAfterS: lastSentS });
      if (sentStartedAtMs !== undefined && snapshot.startedAtMs !== sentStartedAtMs) {
        // The recorder restarted (--warmup ended): its rows begin again at second 1.
        lastSentS = 0;
        snapshot = current.snapshot();
      }
      sendSnapshot(snapshot);
    }, options.snapshotEveryMs ?? 1000);
    try {
      const { snapshot: final, status, warnings } = await current.done;
      if (abandoned) return { exitCode: 1, message: 'upstream lost' };
      // Only the rows not sent yet: upstream has the others, and a full history would make the
      // last message of a long run outgrow the message cap (protocol.ts MAX_MESSAGE_BYTES).
      if (sentStartedAtMs !== undefined && final.startedAtMs !== sentStartedAtMs) lastSentS = 0;
      sendSnapshot({ ...final, history: final.history.filter((row) => row.elapsedS > lastSentS) });
      const said = own === null ? warnings : [...warnings, own];
      send({ type: 'bye', reason: 'done', status, warnings: said.slice(0, MAX_BYE_WARNINGS) });
      return { exitCode: 0, message: own ?? 'share done' };
    } catch (err) {
      return failed('share failed', err);
    } finally {
      clearInterval(timer);
    }
  })();

  return {
    stop: apply,
    stopOwn(why) {
      own ??= why;
      apply('graceful');
    },
    abandon() {
      abandoned = true;
      wake();
      run?.abort();
    },
    done,
  };
}
