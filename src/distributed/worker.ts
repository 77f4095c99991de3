/**
 * The worker's side of the protocol, over any link: hello, wait for an assignment, run the share,
 * send a cumulative snapshot every second (only new history rows), obey reshare/stop, then send
 * the final snapshot and bye. Used by `streamload worker` (WebSocket) and by the children of
 * `--processes N` (IPC).
 */
import { hostname } from 'node:os';
import type { Snapshot } from '../metrics/snapshot.ts';
import { VERSION } from '../version.ts';
import type { Link } from './link.ts';
import { helloMismatch, MAX_BYE_WARNINGS, PROTOCOL_VERSION, unexpected } from './protocol.ts';
import type { ShareRun, StartShare } from './types.ts';

export interface WorkerOutcome {
  /** 0: share done; 1: master lost or the share failed; 2: refused (version, token) or an invalid message. */
  readonly exitCode: 0 | 1 | 2;
  readonly message: string;
}

export interface WorkerOptions {
  readonly version?: string;
  readonly protocol?: number;
  readonly snapshotEveryMs?: number;
  /** The master token, sent in the hello (WebSocket workers). */
  readonly token?: string;
  /** Progress lines ("assigned share 1/2: 5 users"). */
  readonly log?: (line: string) => void;
}

export function runWorker(
  link: Link,
  startShare: StartShare,
  options: WorkerOptions = {},
): Promise<WorkerOutcome> {
  const own = { protocol: options.protocol ?? PROTOCOL_VERSION, version: options.version ?? VERSION };
  const log = options.log ?? (() => {});
  let run: ShareRun | null = null;
  let timer: NodeJS.Timeout | undefined;
  let lastSentS = 0;
  let sentStartedAtMs: number | undefined;
  let settled = false;

  return new Promise<WorkerOutcome>((resolve) => {
    const settle = (outcome: WorkerOutcome): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      if (!link.closed) link.close(outcome.message);
      resolve(outcome);
    };
    const sendSnapshot = (snapshot: Snapshot): void => {
      link.send({ type: 'snapshot', snapshot });
      sentStartedAtMs = snapshot.startedAtMs;
      const last = snapshot.history.at(-1);
      if (last !== undefined) lastSentS = Math.max(lastSentS, last.elapsedS);
    };
    const start = async (
      config: Record<string, unknown>,
      share: Parameters<StartShare>[1],
    ): Promise<void> => {
      try {
        run = await startShare(config, share);
      } catch (err) {
        const message = `could not start the share: ${err instanceof Error ? err.message : String(err)}`;
        link.send({ type: 'bye', reason: 'error', message });
        settle({ exitCode: 1, message });
        return;
      }
      const current = run;
      timer = setInterval(() => {
        if (link.closed) return;
        let snapshot = current.snapshot({ historyAfterS: lastSentS });
        if (sentStartedAtMs !== undefined && snapshot.startedAtMs !== sentStartedAtMs) {
          // The recorder restarted (--warmup ended): its rows begin again at second 1.
          lastSentS = 0;
          snapshot = current.snapshot();
        }
        sendSnapshot(snapshot);
      }, options.snapshotEveryMs ?? 1000);
      current.done.then(
        ({ snapshot: final, status, warnings }) => {
          // Only the rows not sent yet: the master has the others, and a full history would make
          // the last message of a long run outgrow the message cap (protocol.ts MAX_MESSAGE_BYTES).
          if (sentStartedAtMs !== undefined && final.startedAtMs !== sentStartedAtMs) lastSentS = 0;
          sendSnapshot({ ...final, history: final.history.filter((row) => row.elapsedS > lastSentS) });
          link.send({ type: 'bye', reason: 'done', status, warnings: warnings.slice(0, MAX_BYE_WARNINGS) });
          settle({ exitCode: 0, message: 'share done' });
        },
        (err: unknown) => {
          const message = `share failed: ${err instanceof Error ? err.message : String(err)}`;
          link.send({ type: 'bye', reason: 'error', message });
          settle({ exitCode: 1, message });
        },
      );
    };

    link.onMessage((message) => {
      switch (message.type) {
        case 'welcome': {
          const mismatch = helloMismatch(message, own);
          if (mismatch !== null) settle({ exitCode: 2, message: `master refused: ${mismatch}` });
          else log(`joined as ${message.workerId}; waiting for the run to start`);
          return;
        }
        case 'refuse':
          settle({ exitCode: 2, message: `master refused this worker: ${message.reason}` });
          return;
        case 'assign':
          if (run !== null) return;
          log(`assigned share ${message.share.index + 1}/${message.share.of}`);
          void start(message.config, message.share);
          return;
        case 'reshare':
          log(`new share: ${message.share.users} users`);
          run?.setUsers(message.share.users);
          return;
        case 'stop':
          if (run === null) settle({ exitCode: 0, message: 'stopped before the run started' });
          else if (message.mode === 'abort') run.abort();
          else run.stop();
          return;
        case 'hello':
        case 'snapshot':
        case 'heartbeat':
        case 'bye':
          settle({ exitCode: 1, message: `protocol: a worker cannot receive ${message.type}` });
          return;
        default:
          unexpected(message);
      }
    });
    link.onClose((reason, cause) => {
      if (settled) return;
      (run as ShareRun | null)?.abort();
      if (cause === 'invalid') settle({ exitCode: 2, message: `invalid message from the master: ${reason}` });
      else if (cause === 'refused')
        settle({
          exitCode: 2,
          message:
            'the master refused this worker: wrong or missing master token (--master-token or STREAMLOAD_MASTER_TOKEN, as given to the master)',
        });
      else settle({ exitCode: 1, message: `lost the master: ${reason}` });
    });
    link.send({
      type: 'hello',
      protocol: own.protocol,
      version: own.version,
      host: hostname(),
      pid: process.pid,
      ...(options.token === undefined ? {} : { token: options.token }),
    });
  });
}
