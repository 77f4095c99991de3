/** Scale-out: `--processes N` and `streamload master`/`worker`, one protocol, exact merges. */
export { startMaster } from './coordinator.ts';
export type { MasterOptions } from './master-options.ts';
export { createMergedRun } from './merged-run.ts';
export { withScaleOut } from './partial.ts';
export type { ScaledRun } from './parts.ts';
export { forkProcesses, parseProcesses } from './processes.ts';
