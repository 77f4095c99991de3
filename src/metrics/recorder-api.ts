/** What the engine records into (Recorder, made by createRecorder in recorder.ts) and its options. */
import type { ControlsRecorder } from './operations.ts';
import type { Snapshot } from './snapshot.ts';
import type { GeneratorSample, RequestResult } from './types.ts';

export interface RecorderOptions {
  /** Monotonic clock in ms (default `performance.now`): durations, the connection integral, rows. */
  readonly nowMs?: () => number;
  /** Wall clock in Unix ms (default `Date.now`): only for timestamps (`startedAtMs`, a row's `t`). */
  readonly wallClockMs?: () => number;
  /** Whether a finished request counts as good (succeeded and met every SLO); default: it succeeded. */
  readonly goodRequest?: (result: RequestResult) => boolean;
  /** Most distinct names per named series (node titles, request names); beyond it `(other)`. Default 100. */
  readonly maxNamedSeries?: number;
  /**
   * Wall-clock Unix ms the run's seconds count from (`--start-at`, the common start of every
   * segment); default: now. A recorder created after it numbers its first row accordingly.
   */
  readonly startedAtMs?: number;
}

/**
 * What the engine records into, one per process (or per run). Hot-path methods (`event`,
 * `streamOpened`, `streamClosed`) only bump counters and record at most one histogram value: no
 * allocation. `request` runs once per finished request. Holds wasm memory: `close()` when done.
 */
export interface Recorder {
  /** Operations, retries, rejections and limiter waits of the client-side controls (src/controls/). */
  readonly controls: ControlsRecorder;
  /** A stream (SSE response) began: active-connection gauge +1, new-streams counter +1. */
  streamOpened(): void;
  /** A stream ended (any way): gauge −1. Pair with every `streamOpened`. */
  streamClosed(): void;
  /**
   * Every SSE event. `bytes`: the stream's bytes received since its previous event (the engine counts
   * chunks, so a stream's events add up to its bytes up to its last event). `interEventMs`: the gap
   * since the stream's previous event (undefined for its first).
   */
  event(bytes: number, interEventMs: number | undefined): void;
  /** Once per finished request, successful or not (latencies of failures are recorded too). */
  request(result: RequestResult): void;
  /** The transport opened a TCP connection; `h2` when ALPN chose HTTP/2 (its streams share it). */
  tcpConnectionOpened(protocol: 'h2' | 'http/1.1'): void;
  /** A scenario's `ctx.check(name, condition)`: counted per name, passes and fails. */
  check(name: string, ok: boolean): void;
  /** Any other latency in ms under its own name, e.g. `node_duration.LLM`. */
  value(metric: string, ms: number): void;
  /** One line per cap reached (named series folded into `(other)`), for the run's warnings. */
  warnings(): string[];
  /** Users whose scenario code never settled and was left behind at the run's end: counted as cancelled. */
  abandoned(count: number): void;
  /** The current number of virtual users (a gauge). */
  setUsers(users: number): void;
  /** The current number of users of one scenario class (a gauge per class; history and peak). */
  setClassUsers(className: string, users: number): void;
  /** The generator's health over the last second (kept for the current history row and the run). */
  generatorSample(sample: GeneratorSample): void;
  /** Closes the current one-second history row. The engine calls it once per second from a timer. */
  tick(): void;
  /**
   * The state so far (the open second's counts are in the totals, not yet in `history`).
   * `historyAfterS`: only rows with `elapsedS` greater than it, for a parent that already has the
   * older ones (createSnapshotMerger).
   */
  snapshot(options?: { readonly historyAfterS?: number }): Snapshot;
  /** Zeroes everything and restarts the clock (the web UI's reset); open streams stay counted as active. */
  reset(): void;
  /** Frees the histograms' wasm memory; the recorder must not be used afterwards. */
  close(): void;
}
