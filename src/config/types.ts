/**
 * A fully resolved run: flags over config file over `STREAMLOAD_*` env over defaults. Plain JSON
 * (workers receive it over the wire), times in milliseconds unless the name says otherwise.
 */
import type { ArrivalKind } from '../engine/arrivals.ts';
import type { ProtocolName, ResponseMode } from '../protocols/types.ts';

export interface Stage {
  readonly durationS: number;
  /** Users (closed model) or arrivals per second (open model) to reach by the end of the stage. */
  readonly target: number;
}

export const BUILTIN_SCENARIOS = [
  'stream',
  'burst',
  'blocking',
  'empty-qps',
  'llm',
  'chat-completions',
] as const;
export type BuiltinScenario = (typeof BUILTIN_SCENARIOS)[number];

export interface RunConfig {
  /** Target origin (`http://host:port`); null = start the embedded targets. */
  readonly target: string | null;
  readonly protocol: ProtocolName;
  readonly apiKey: string | null;
  readonly path: string | null;
  readonly responseMode: ResponseMode;
  /** A built-in scenario name or a path to a TypeScript scenario file. */
  readonly scenario: string;
  readonly questions: readonly string[];
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly model: string | null;
  readonly users: number;
  readonly spawnRate: number;
  readonly runTimeMs: number | null;
  readonly iterations: number | null;
  /** Open model: request arrivals per second. */
  readonly rate: number | null;
  readonly stages: readonly Stage[] | null;
  /** Think time between a user's iterations, uniform in [min, max]. */
  readonly waitMs: readonly [number, number];
  readonly connectTimeoutMs: number;
  readonly firstByteTimeoutMs: number;
  /** Longest allowed gap between bytes of a stream. */
  readonly idleTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly maxEventBytes: number;
  /** Largest blocking (non-stream) response body before `body_too_large`. */
  readonly maxBodyBytes: number;
  readonly thresholds: readonly string[];
  /** Per-request objectives (`ttft<500ms`): a request is good when it succeeded and met them all. */
  readonly slos: readonly string[];
  /** Report folder; null = `reports/<stamp>/`. */
  readonly out: string | null;
  readonly formats: readonly string[];
  readonly jsonSummary: boolean;
  readonly liveIntervalMs: number;
  readonly seed: number;
  /** Generic `sse` protocol request shape and terminal rule. */
  readonly method: string;
  readonly body: string | null;
  readonly terminalEvent: string | null;
  readonly terminalData: string | null;
  /** Open model: most requests in flight before arrivals are dropped (and counted). */
  readonly maxInFlight: number;
  /** Open model: how arrivals are spaced (engine/arrivals.ts). */
  readonly arrival: ArrivalKind;
  /** Gamma shape for `arrival: gamma`: 1 = Poisson, below 1 burstier. */
  readonly burstiness: number;
}

export const REPORT_FORMATS = ['txt', 'json', 'csv', 'junit', 'md', 'html'] as const;
