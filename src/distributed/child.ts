/**
 * Entry of a `--processes N` child: a worker over the IPC channel to its parent. argv[2] may name
 * another module exporting `startShare` (tests); the default runs the engine.
 */
import { createLink, parentTransport } from './link.ts';
import { loadStartShare } from './load-share.ts';
import { runWorker } from './worker.ts';

const startShare = await loadStartShare(process.argv[2]);
const link = createLink(parentTransport(), 'parent');
// The parent owns the console and the signals: a Ctrl-C reaches the whole process group, and the
// parent turns it into a graceful stop message.
process.on('SIGINT', () => {});
const outcome = await runWorker(link, startShare);
if (outcome.exitCode !== 0)
  process.stderr.write(`streamload worker (pid ${process.pid}): ${outcome.message}\n`);
process.exitCode = outcome.exitCode;
