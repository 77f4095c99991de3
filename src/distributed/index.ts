/** Scale-out: `--processes N` and `streamload master`/`worker`, one protocol, exact merges. */
export { createCoordinator } from './coordinator.ts';
export {
  addMasterOptions,
  DEFAULT_MASTER_PORT,
  type MasterOptions,
  parseMasterOptions,
} from './master-options.ts';
export type { MergedOutcome } from './merged-run.ts';
export { withScaleOut } from './partial.ts';
export type { PartialResult, ScaleOutResult, WorkerReport } from './parts.ts';
export { parseProcesses } from './processes.ts';
export { PROTOCOL_VERSION } from './protocol.ts';
export { applyShare, type LoadShape, planOf } from './share-config.ts';
export { type Plan, type Share, splitPlan } from './shares.ts';
export { type Placement, type ScaledRun, type ScaledRunOptions, startScaledRun } from './start.ts';
export type { ShareRun, StartShare } from './types.ts';
