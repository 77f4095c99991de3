/**
 * The package's programmatic entry: start runs from code and write scenario files.
 */
export type { RunConfig, Stage } from './config/types.ts';
export {
  defineScenario,
  type RequestOptions,
  type ScenarioDefinition,
  type TaskContext,
  type TaskDefinition,
  type UserClassDefinition,
} from './engine/scenario/define.ts';
export type { RunHandle } from './engine/types.ts';
export type { MetricsSummary, RequestResult } from './metrics/types.ts';
export type { RunJson } from './report/types.ts';
export { type LiveRunHandle, type StartRunOptions, startRun } from './run.ts';
