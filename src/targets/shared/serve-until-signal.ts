/**
 * Keeps a `streamload serve …` command alive until a stop signal, then closes the server. Started
 * by a parent over IPC (the embedded targets of `run`), it also ends when that channel closes: the
 * parent died, even by SIGKILL, and nobody else will ever stop this child. The process itself is
 * read by the entry point (src/cli/commands/serve.ts), which hands both in.
 */
import type { GlobalState, Output } from '../../global-state.ts';

/** The IPC channel to the process that started this one (only when there is one). */
export interface ParentChannel {
  /** Calls `listener` once when the channel closes (the parent exited or died); returns the unsubscribe. */
  onClose(listener: () => void): () => void;
  /** Lets go of the channel: a connected one keeps the process alive, so the child would never exit. */
  release(): void;
}

/** What a `serve` command needs from its process: where to print, and what stops it. */
export interface ServeIo {
  readonly stdout: Output;
  readonly onStopSignal: GlobalState['onStopSignal'];
  /** Undefined when nobody started this process over IPC. */
  readonly parent: ParentChannel | undefined;
}

export function serveUntilSignal(close: () => Promise<void>, io: ServeIo): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      offSignal();
      offParent();
      io.parent?.release();
      close().then(resolve, resolve);
    };
    const offSignal = io.onStopSignal(stop);
    const offParent = io.parent?.onClose(stop) ?? (() => {});
  });
}
