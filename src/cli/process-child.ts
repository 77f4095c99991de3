/**
 * Entry of a `--processes N` child (forked by distributed/processes.ts): the one place that
 * touches this child's process globals. Its parent sends the share at once over the IPC channel:
 * the child runs it as a worker without hello or heartbeats (a parent sees its child's exit).
 * argv[2] may name a module exporting `startShare` (tests fork children with a synthetic share);
 * the default runs the engine.
 */
import { createLink, type Transport } from '../distributed/link.ts';
import { loadStartShare } from '../distributed/load-share.ts';
import { runWorker } from '../distributed/worker.ts';
import { setPackageEntry } from '../engine/scenario/self-import.ts';
import { PACKAGE_ENTRY } from './entries.ts';

setPackageEntry(PACKAGE_ENTRY);

// Sends not yet written: the channel closes after the last one (the bye), never before.
let unsent = 0;
let closing = false;
const disconnect = (): void => {
  if (closing && unsent === 0 && process.connected) process.disconnect();
};
const parent: Transport = {
  send(message) {
    if (!process.connected) return;
    unsent++;
    // A failed write (the parent just died) lands here; 'disconnect' then ends the share.
    process.send?.(message, undefined, undefined, () => {
      unsent--;
      disconnect();
    });
  },
  onData: (listener) => process.on('message', listener),
  onEnd: (listener) => process.on('disconnect', () => listener('the parent closed the IPC channel')),
  end() {
    closing = true;
    disconnect();
  },
};
// The parent owns the terminal: a Ctrl-C reaches the whole process group, and the parent turns it
// into a stop message. A SIGTERM sent to this child alone is its own stop.
process.on('SIGINT', () => {});
const startShare = await loadStartShare(process.argv[2]);
const outcome = await runWorker(createLink(parent, 'parent', { heartbeatMs: 0 }), startShare, {
  hello: false,
  onStopSignal(listener) {
    const handler = () => listener('SIGTERM');
    process.on('SIGTERM', handler);
    return () => process.off('SIGTERM', handler);
  },
});
if (outcome.exitCode !== 0)
  process.stderr.write(`streamload process (pid ${process.pid}): ${outcome.message}\n`);
process.exitCode = outcome.exitCode;
