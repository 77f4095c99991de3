/**
 * The package's programmatic entry: start runs from code and write scenario files.
 */

import { setPackageEntry } from './engine/scenario/self-import.ts';

export type { Stage } from './config/units.ts';
export { backoffDelayMs, parseRetryAfterMs } from './controls/backoff.ts';
export {
  type BreakerState,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  createCircuitBreaker,
} from './controls/circuit-breaker.ts';
// Client-side controls for scenario code (a run's own are set with --client-rate, --retry, …).
export type { Jitter } from './controls/options.ts';
export { createSemaphore, type Semaphore } from './controls/semaphore.ts';
export {
  createTokenBucket,
  LimiterClosedError,
  type TokenBucket,
  type TokenBucketOptions,
} from './controls/token-bucket.ts';
export type { RetryOptions } from './engine/request-controls.ts';
export {
  defineScenario,
  type RequestOptions,
  type ScenarioDefinition,
  type ScenarioResponse,
  type TaskContext,
  type TaskDefinition,
  type UserClassDefinition,
} from './engine/scenario/define.ts';
export type { KeptEvent, ResponseBody } from './engine/scenario/response.ts';
export type { MetricsSummary, RequestResult } from './metrics/types.ts';
export type { RunJson } from './report/types.ts';
export { type LiveRunHandle, type RunHandle, type StartRunOptions, startRun } from './run.ts';
export type { RunConfig } from './run-config/types.ts';

// A scenario file's `import 'streamload'` in a program using this API is this copy of the package.
setPackageEntry(import.meta.url);
