/**
 * The public scenario API: user classes with weights, wait times, hooks and weighted tasks, as in
 * Locust, with `ctx.sse()` and `ctx.http()` recorded by the same metrics. A scenario file exports
 * `default defineScenario({...})`; Node 24 runs it as TypeScript directly.
 */
import { readControls } from '../../config/controls.ts';
import type { RequestResult } from '../../metrics/types.ts';
import type { RetryOptions } from '../request-controls.ts';
import { scenarioProblems } from './validate.ts';

export interface RequestOptions {
  readonly path?: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  /** Request-table name (default: the path). */
  readonly name?: string;
}

export interface TaskContext {
  /** A streaming request. Without options: the run's protocol request (workflow, chat, openai, sse). */
  sse(options?: RequestOptions): Promise<RequestResult>;
  /** A plain HTTP request (2xx = success), for non-streaming APIs. */
  http(options: RequestOptions): Promise<RequestResult>;
  /** A question from the pool (`--questions` or the built-in one). */
  question(): string;
  sleep(ms: number): Promise<void>;
  /**
   * One logical operation of several attempts: `fn` runs again, after exponential backoff with
   * jitter, while its value is a failed request (`{ ok: false, error }`) whose error is retryable.
   * Every attempt's requests are recorded as requests; the operation once (operation_duration,
   * attempts_per_operation). Defaults: the run's `--retry*` options (3 retries when it has none).
   */
  withRetry<T>(fn: (attempt: number) => Promise<T>, options?: RetryOptions): Promise<T>;
  readonly user: { readonly id: string; readonly index: number; readonly className: string };
  /** Per-user scratch space (tokens, conversation ids…). */
  readonly state: Record<string, unknown>;
}

export interface TaskDefinition {
  readonly name?: string;
  readonly weight?: number;
  run(ctx: TaskContext): Promise<unknown>;
}

export interface UserClassDefinition {
  readonly name: string;
  readonly weight?: number;
  /** Think time between tasks: `1s`, `500ms-2s`, or [minMs, maxMs]. Default: the run's `--wait`. */
  readonly wait?: string | readonly [number, number];
  onStart?(ctx: TaskContext): Promise<unknown>;
  onStop?(ctx: TaskContext): Promise<unknown>;
  readonly tasks: readonly TaskDefinition[];
}

export interface ScenarioDefinition {
  readonly users: readonly UserClassDefinition[];
  /**
   * Client-side controls for this scenario, in the option table's form (`clientRate`,
   * `maxConcurrency`, `retry`, `retryOn`, `backoff: '500ms..30s'`, `jitter`, `retryStreams`,
   * `circuitBreaker: 'failures=10,window=30s,open=60s'`); flags and config files override them.
   */
  readonly controls?: Readonly<Record<string, unknown>>;
}

export function defineScenario(definition: ScenarioDefinition): ScenarioDefinition {
  const problems = scenarioProblems(definition);
  if (problems.length > 0) throw new Error(`defineScenario: ${problems.join('; ')}`);
  if (definition.controls !== undefined) readControls(definition.controls, 'defineScenario: controls');
  return definition;
}
