/**
 * A `--processes N` child's side, over its IPC channel (the port its entry in src/cli/ hands
 * down): no hello and no heartbeats — its parent forked it and sees its exit. The parent's first
 * message assigns the share and the common start; the child runs and reports it
 * (report-share.ts) and obeys `stop`. A parent that goes away cuts the share.
 */
import type { StopSignal } from '../global-state.ts';
import { type Message, parseMessage, type WorkerMessage } from './protocol.ts';
import { reportShare, type ShareReport, type WorkerOutcome } from './report-share.ts';
import type { StartShare } from './types.ts';

/** The child's end of the IPC channel (`process.send`, `process.on('message' | 'disconnect')`). */
export interface ParentPort {
  send(message: WorkerMessage): void;
  onMessage(listener: (data: unknown) => void): void;
  onDisconnect(listener: () => void): void;
}

export function runChild(
  port: ParentPort,
  startShare: StartShare,
  options: {
    /** Signals meant for this child alone (the parent relays a Ctrl-C of the terminal as `stop`). */
    readonly onStopSignal?: (listener: (signal: StopSignal) => void) => () => void;
  } = {},
): Promise<WorkerOutcome> {
  let report: ShareReport | null = null;
  let pendingStop: 'graceful' | 'abort' | null = null;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: WorkerOutcome): void => {
      if (settled) return;
      settled = true;
      unsubscribe();
      resolve(outcome);
    };
    const unsubscribe =
      options.onStopSignal?.((signal) => {
        if (report === null) pendingStop = 'graceful';
        else report.stopOwn(`the process stopped on its own ${signal} before its share ended`);
      }) ?? (() => {});
    port.onMessage((data) => {
      let message: Message;
      try {
        message = parseMessage(data);
      } catch (err) {
        settle({ exitCode: 2, message: err instanceof Error ? err.message : String(err) });
        return;
      }
      if (message.type === 'assign' && report === null) {
        report = reportShare(message.config, message.share, startShare, (m) => port.send(m));
        if (pendingStop !== null) report.stop(pendingStop);
        void report.done.then(settle);
      } else if (message.type === 'stop') {
        if (report === null) pendingStop = message.mode;
        else report.stop(message.mode);
      } else settle({ exitCode: 2, message: `protocol: a child cannot receive ${message.type}` });
    });
    port.onDisconnect(() => {
      report?.abandon();
      settle({ exitCode: 1, message: 'the parent closed the IPC channel' });
    });
  });
}
