/**
 * Entry of a `--processes N` child (forked by distributed/processes.ts): the one place that
 * touches this child's process globals. argv[2] may name a module exporting `startShare` (tests
 * fork children with a synthetic share); the default runs the engine.
 */
import { type ParentPort, runChild } from '../distributed/child.ts';
import { loadStartShare } from '../distributed/load-share.ts';

// Sends not yet written: the channel closes after the last one (the bye), never before.
let unsent = 0;
let closing = false;
const disconnect = (): void => {
  if (closing && unsent === 0 && process.connected) process.disconnect();
};
const port: ParentPort = {
  send(message) {
    if (!process.connected) return;
    unsent++;
    // A failed write (the parent just died) lands here; 'disconnect' then ends the share.
    process.send?.(message, undefined, undefined, () => {
      unsent--;
      disconnect();
    });
  },
  onMessage: (listener) => process.on('message', listener),
  onDisconnect: (listener) => process.on('disconnect', listener),
};
// The parent owns the terminal: a Ctrl-C reaches the whole process group, and the parent turns it
// into a stop message. A SIGTERM sent to this child alone is its own stop.
process.on('SIGINT', () => {});
const startShare = await loadStartShare(process.argv[2]);
const outcome = await runChild(port, startShare, {
  onStopSignal(listener) {
    const handler = () => listener('SIGTERM');
    process.on('SIGTERM', handler);
    return () => process.off('SIGTERM', handler);
  },
});
if (outcome.exitCode !== 0)
  process.stderr.write(`streamload process (pid ${process.pid}): ${outcome.message}\n`);
process.exitCode = outcome.exitCode;
closing = true;
disconnect();
