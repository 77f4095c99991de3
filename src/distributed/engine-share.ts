/**
 * The engine side of a worker: runs its share of the master's configuration with `startRun` and
 * exposes the recorder's cumulative snapshot. Workers write no reports and no console: the parent
 * or master owns them. The config's `target` is the resolved origin (the parent started any
 * embedded targets once).
 */

import { startRun } from '../run.ts';
import type { RunConfig } from '../run-config/types.ts';
import { configFromWire } from '../run-config/wire.ts';
import type { ShareRun, StartShare } from './types.ts';

export const startShare: StartShare = async (config, share) => {
  // startRun computes the share from the segment alone (share-config.ts segmentConfig).
  const shared: RunConfig = {
    ...configFromWire(config),
    segment: { index: share.index, of: share.of },
  };
  if (shared.target === null) throw new Error('a worker needs a resolved target origin');
  const handle = await startRun(shared, { origin: shared.target });
  const run: ShareRun = {
    snapshot: (options) => handle.snapshot(options),
    stop: () => handle.stop(),
    abort: () => handle.abort(),
    done: handle.done.then((ended) => ({
      snapshot: handle.snapshot(),
      status: ended.status,
      warnings: ended.warnings,
    })),
  };
  return run;
};
