/**
 * The public scenario API: user classes with weights, wait times, hooks and weighted tasks, as in
 * Locust, with `ctx.sse()` and `ctx.http()` recorded by the same metrics. A scenario file exports
 * `default defineScenario({...})`; Node 24 runs it as TypeScript directly.
 */
import { readControls } from '../../controls/control-keys.ts';
import type { RequestResult } from '../../metrics/types.ts';
import type { RetryOptions } from '../request-controls.ts';
import type { ResponseBody } from './response.ts';
import { scenarioProblems } from './validate.ts';

export interface RequestOptions {
  readonly path?: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  /** Request-table name (default: the path). */
  readonly name?: string;
  /**
   * Named checks on the response, counted like `ctx.check`: one that returns falsy (or throws)
   * also fails the request, as `invalid_response` with `check "<name>" failed`.
   */
  readonly check?: Readonly<Record<string, (response: ResponseBody) => unknown>>;
}

/**
 * What `ctx.sse()` and `ctx.http()` resolve to: the recorded result (ok, error, latencies) and the
 * response as kept (status, headers, the first 256 KiB of the body through text(), json(), streamEvents()).
 */
export interface ScenarioResponse extends RequestResult, ResponseBody {}

export interface TaskContext {
  /**
   * A streaming request. Without options: the run's protocol request (workflow, chat, openai, sse)
   * with its inputs, key and headers; options replace parts of it (path, body, headers…).
   */
  sse(options?: RequestOptions): Promise<ScenarioResponse>;
  /**
   * A plain HTTP request (2xx = success), for non-streaming APIs. It carries the run's API key
   * (Bearer), `--header`s and User-Agent, and `Content-Type: application/json` for a non-string
   * body, unless `headers` overrides them.
   */
  http(options: RequestOptions): Promise<ScenarioResponse>;
  /**
   * Counts a named check, like k6's: passes and fails per name appear in the console, run.json and
   * the reports. Returns the condition as a boolean. It does not fail a request by itself (use the
   * request's `check` option for that).
   */
  check(name: string, condition: unknown): boolean;
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
  /** Labels `--tags` and `--exclude-tags` choose tasks by (Locust's @tag). */
  readonly tags?: readonly string[];
  run(ctx: TaskContext): Promise<unknown>;
}

export interface UserClassDefinition {
  readonly name: string;
  /** Its share of the users not taken by `fixedCount` classes (default 1). */
  readonly weight?: number;
  /** Exactly this many users of the class, spawned first; the rest go to the others by weight (Locust's fixed_count). */
  readonly fixedCount?: number;
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
