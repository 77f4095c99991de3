/** Scale-out: `--processes N` and `streamload master`/`worker`, one protocol, exact merges. */
export { createCoordinator, startMaster } from './coordinator.ts';
export {
  addMasterOptions,
  DEFAULT_MASTER_PORT,
  type MasterOptions,
  parseMasterOptions,
} from './master-options.ts';
export { createMergedRun, type MergedOutcome } from './merged-run.ts';
export { withScaleOut } from './partial.ts';
export type { PartialResult, ScaledRun, ScaleOutResult, WorkerReport } from './parts.ts';
export { forkProcesses, parseProcesses } from './processes.ts';
export { PROTOCOL_VERSION } from './protocol.ts';
export type { ShareRun, StartShare } from './types.ts';
