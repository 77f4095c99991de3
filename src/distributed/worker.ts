/**
 * A worker's side of the protocol: `streamload worker` over a WebSocket link to the master (hello
 * with the master token first), or a `--processes` child over its IPC link to the parent (no
 * hello: `hello: false`). It waits for the assignment, then runs and reports the share
 * (report-share.ts) until it ends or upstream stops it. Its own stop signal ends the share early
 * but cleanly: upstream gets everything it measured, `stopped`, and a warning saying why.
 */
import { hostname } from 'node:os';
import type { StopSignal } from '../global-state.ts';
import { VERSION } from '../version.ts';
import type { Link } from './link.ts';
import { helloMismatch, PROTOCOL_VERSION, unexpected } from './protocol.ts';
import { reportShare, type ShareReport, type WorkerOutcome } from './report-share.ts';
import type { StartShare } from './types.ts';

export type { WorkerOutcome } from './report-share.ts';

export interface WorkerOptions {
  readonly version?: string;
  readonly protocol?: number;
  readonly snapshotEveryMs?: number;
  /** The master token, sent in the hello. */
  readonly token?: string;
  /** false: no hello (a `--processes` child): it says `ready` and its parent sends the share. */
  readonly hello?: boolean;
  /** Progress lines ("assigned share 1/2"). */
  readonly log?: (line: string) => void;
  /** This process's stop signals (GlobalState.onStopSignal): the first stops the share, the second cuts it. */
  readonly onStopSignal?: (listener: (signal: StopSignal) => void) => () => void;
}

export function runWorker(
  link: Link,
  startShare: StartShare,
  options: WorkerOptions = {},
): Promise<WorkerOutcome> {
  const own = { protocol: options.protocol ?? PROTOCOL_VERSION, version: options.version ?? VERSION };
  const log = options.log ?? (() => {});
  let report: ShareReport | null = null;
  let settled = false;
  let signals = 0;

  return new Promise<WorkerOutcome>((resolve) => {
    const settle = (outcome: WorkerOutcome): void => {
      if (settled) return;
      settled = true;
      unsubscribe();
      if (!link.closed) link.close(outcome.message);
      resolve(outcome);
    };
    const unsubscribe =
      options.onStopSignal?.((signal) => {
        signals++;
        if (report === null) settle({ exitCode: 0, message: `${signal} before the run started` });
        else if (signals === 1) {
          log(
            `${signal}: stopping this worker's share; the master keeps what it measured (again to cut now)`,
          );
          report.stopOwn(`the worker stopped on its own ${signal} before its share ended`);
        } else report.stop('abort');
      }) ?? (() => {});

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
          if (report !== null) return;
          log(`assigned share ${message.share.index + 1}/${message.share.of}`);
          report = reportShare(message.config, message.share, startShare, (m) => link.send(m), options);
          void report.done.then(settle);
          return;
        case 'stop':
          if (report === null) settle({ exitCode: 0, message: 'stopped before the run started' });
          else report.stop(message.mode);
          return;
        case 'hello':
        case 'ready':
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
      (report as ShareReport | null)?.abandon();
      if (cause === 'invalid') settle({ exitCode: 2, message: `invalid message from the master: ${reason}` });
      else if (cause === 'refused')
        settle({
          exitCode: 2,
          message:
            'the master refused this worker: wrong or missing master token (--master-token or STREAMLOAD_MASTER_TOKEN, as given to the master)',
        });
      else settle({ exitCode: 1, message: `lost the ${link.label}: ${reason}` });
    });
    // A child says it has loaded (its parent then sets the common start); a worker says hello.
    if (options.hello === false) link.send({ type: 'ready' });
    else
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
