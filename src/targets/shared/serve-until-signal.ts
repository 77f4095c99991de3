/**
 * Keeps a `streamload serve …` command alive until SIGINT/SIGTERM/SIGHUP, then closes the server.
 * Started by a parent over IPC (the embedded targets of `run`), it also ends when the channel
 * closes: the parent died, even by SIGKILL, and nobody else will ever stop this child.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function serveUntilSignal(close: () => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      for (const signal of SIGNALS) process.off(signal, stop);
      process.off('disconnect', stop);
      // A connected channel keeps the process alive: let go of it, or the child never exits.
      if (process.connected) process.disconnect();
      close().then(resolve, resolve);
    };
    for (const signal of SIGNALS) process.on(signal, stop);
    if (process.connected) process.once('disconnect', stop);
  });
}
