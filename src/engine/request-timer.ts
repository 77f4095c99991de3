/**
 * One request's clock and verdict, apart from the socket (stream-request.ts feeds it). It times
 * ttfb, ttfe, ttft and the gaps between events on an injected monotonic clock, reads each event's
 * meaning from the protocol's interpreter, decides the idle deadline, and judges the end: terminal
 * event, cancel, transport error, early end, bad body. Every decision is a method call with plain
 * values, so it is unit-tested without sockets (request-timer.test.ts).
 *
 * A class, not a closure: its methods live once on the prototype, so a request costs one object
 * here instead of a dozen functions (the hot path allocates per request, never per event).
 */
import { type ErrorName, NODE_DURATION_PREFIX, NODE_GAP_PREFIX } from '../metrics/names.ts';
import type { Recorder } from '../metrics/recorder-api.ts';
import type { RequestResult } from '../metrics/types.ts';
import type { Protocol, StreamInterpreter } from '../protocols/types.ts';
import type { SseEvent } from '../sse/types.ts';
import type { Mutable } from '../util/mutable.ts';
import {
  classifyStatus,
  classifyTransportError,
  describeTransportError,
  isEventStreamType,
} from './classify.ts';

/** Milliseconds on a monotonic clock (performance.now in production, a counter in tests). */
export type Clock = () => number;

export const monotonicClock: Clock = () => performance.now();

export interface TimerDeps {
  readonly recorder: Pick<Recorder, 'event' | 'value' | 'streamOpened' | 'streamClosed' | 'request'>;
  /** Longest gap between two events of a stream (or headers → first event) before `timeout`. */
  readonly idleTimeoutMs: number;
  /** Defaults to performance.now. */
  readonly clock?: Clock;
}

export interface TimerOptions {
  /** Expect an event stream (true) or a JSON body (false). */
  readonly stream: boolean;
  /** Interprets events and judges bodies; absent for plain HTTP tasks (any 2xx is a success). */
  readonly protocol?: Protocol;
  readonly scheduleLagMs?: number;
  /** Scenario files: the task's checks on the kept response; a message fails the request. */
  readonly verify?: () => string | undefined;
}

/**
 * What the transport does with a response whose head arrived: ignore it (1xx, the response
 * proper follows, RFC 9110 §15.2), parse it as an event stream, or collect its body (a JSON
 * body to judge, or an error body whose head becomes the message).
 */
export type ResponsePlan = 'informational' | 'stream' | 'body';

/** Nodes of one workflow stream started and not yet finished that are timed. */
const MAX_OPEN_NODES = 1000;
const ERROR_BODY_SAMPLE = 300;
/** An error body is kept only up to here: enough bytes for the sample in any UTF-8 text. */
export const ERROR_BODY_KEEP_BYTES = ERROR_BODY_SAMPLE * 4;
/** Node may fire a timer up to a millisecond before performance.now() says it is due. */
const TIMER_SLACK_MS = 1;

export class RequestTimer {
  readonly #deps: TimerDeps;
  readonly #clock: Clock;
  readonly #method: string;
  readonly #name: string;
  readonly #options: TimerOptions;
  readonly #interpreter: StreamInterpreter | undefined;
  readonly #start: number;
  #ttfb = -1;
  #ttfe = -1;
  #ttft = -1;
  #firstEventAt = 0;
  #lastEventAt = 0;
  #terminalAt = -1;
  #streamStartedAt = 0;
  #events = 0;
  #contentTokens = 0;
  #usageTokens = -1;
  #contentBytes = 0;
  /**
   * Stream bytes received since the last event, counted with the next one: one addition per
   * chunk, and a stream's events add up to its bytes up to its last event.
   */
  #bytesSinceEvent = 0;
  #status = 0;
  #isStream = false;
  #error: ErrorName | undefined;
  #message: string | undefined;
  #retryAfter: string | undefined;
  /** The tool cut this request (stop timeout, abort, run end): `cancelled`, not the server's failure. */
  #cancelled = false;
  #finished = false;
  #nodeStarts: Map<string, number> | undefined;

  constructor(
    deps: TimerDeps,
    request: { readonly method: string; readonly name: string },
    options: TimerOptions,
  ) {
    this.#deps = deps;
    this.#clock = deps.clock ?? monotonicClock;
    this.#method = request.method;
    this.#name = request.name;
    this.#options = options;
    this.#interpreter = options.stream ? options.protocol?.createInterpreter() : undefined;
    this.#start = this.#clock();
  }

  /** The request already failed (first failure wins) or was cut. */
  get failed(): boolean {
    return this.#error !== undefined;
  }

  /** The protocol's terminal event arrived: the request is over whatever the socket does next. */
  get terminated(): boolean {
    return this.#terminalAt >= 0;
  }

  get finished(): boolean {
    return this.#finished;
  }

  get events(): number {
    return this.#events;
  }

  /** Records a failure; the first one is the request's error. */
  fail(name: ErrorName, text: string): void {
    if (this.#error !== undefined) return;
    this.#error = name;
    this.#message = text;
  }

  /** The response head: its status and content type decide what follows. */
  responseStart(statusCode: number, contentType: string, retryAfter: string | undefined): ResponsePlan {
    if (statusCode < 200) return 'informational';
    const now = this.#clock();
    this.#ttfb = now - this.#start;
    this.#status = statusCode;
    const statusError = classifyStatus(statusCode);
    if (statusError !== undefined) {
      this.fail(statusError, `HTTP ${statusCode}`);
      this.#retryAfter = retryAfter;
      return 'body';
    }
    const eventStream = isEventStreamType(contentType);
    if (this.#options.stream && !eventStream) {
      this.fail(
        'invalid_response',
        `expected text/event-stream, got ${contentType === '' ? 'no content type' : contentType}`,
      );
      return 'body';
    }
    if (!this.#options.stream) {
      if (eventStream) this.fail('invalid_response', 'expected a JSON body, got text/event-stream');
      return 'body';
    }
    this.#isStream = true;
    this.#streamStartedAt = now;
    this.#deps.recorder.streamOpened();
    return 'stream';
  }

  /** Response body bytes as they arrive (one addition per chunk, none per event). */
  chunk(bytes: number): void {
    this.#contentBytes += bytes;
    this.#bytesSinceEvent += bytes;
  }

  /** One parsed event of the stream: timing, counts and the protocol's meaning. */
  event(event: SseEvent): void {
    const now = this.#clock();
    const events = ++this.#events;
    this.#deps.recorder.event(this.#bytesSinceEvent, events === 1 ? undefined : now - this.#lastEventAt);
    this.#bytesSinceEvent = 0;
    if (events === 1) {
      this.#ttfe = now - this.#start;
      this.#firstEventAt = now;
    }
    this.#lastEventAt = now;
    const interpreter = this.#interpreter;
    if (interpreter === undefined || this.#terminalAt >= 0) return;
    const meaning = interpreter.interpret(event);
    switch (meaning.kind) {
      case 'content':
        if (this.#ttft < 0) this.#ttft = now - this.#start;
        this.#contentTokens += meaning.tokens;
        break;
      case 'terminal':
        this.#terminalAt = now;
        if (meaning.usageTokens !== undefined) this.#usageTokens = meaning.usageTokens;
        if (meaning.elapsedMs !== undefined) this.#deps.recorder.value('workflow_elapsed', meaning.elapsedMs);
        if (!meaning.ok) this.fail('stream_error', meaning.message ?? 'the stream reported a failure');
        break;
      case 'usage':
        this.#usageTokens = meaning.tokens;
        break;
      case 'failure':
        this.fail(meaning.error, meaning.message);
        break;
      case 'node':
        this.#node(meaning.phase, meaning.nodeId, meaning.title, now, meaning.elapsedMs);
        break;
      case 'lifecycle':
        break;
    }
  }

  /**
   * `node_duration.<title>`: the server's elapsed_time when node_finished carries it, else the gap
   * seen here; `node_gap.<title>`: always the gap seen here (relay and queueing included).
   */
  #node(
    phase: 'started' | 'finished',
    nodeId: string,
    title: string,
    now: number,
    elapsedMs: number | undefined,
  ): void {
    this.#nodeStarts ??= new Map();
    // Ids are server data: a stream that starts nodes without end cannot grow this map forever.
    if (phase === 'started') {
      if (this.#nodeStarts.size < MAX_OPEN_NODES) this.#nodeStarts.set(nodeId, now);
      return;
    }
    const began = this.#nodeStarts.get(nodeId);
    this.#nodeStarts.delete(nodeId);
    const gap = began === undefined ? undefined : now - began;
    if (gap !== undefined) this.#deps.recorder.value(`${NODE_GAP_PREFIX}${title}`, gap);
    const duration = elapsedMs ?? gap;
    if (duration !== undefined) this.#deps.recorder.value(`${NODE_DURATION_PREFIX}${title}`, duration);
  }

  /**
   * The idle timeout (docs/metrics.md) is the gap between events: comments and data-less pings carry no
   * event and do not reset it. The transport arms one timer per stream for `idleTimeoutMs` and
   * asks here when it fires (never per event): 0 means the deadline passed and the request
   * failed with `timeout`, else the milliseconds still to wait.
   */
  idleCheck(): number {
    if (this.#finished) return -1;
    const idleMs = this.#deps.idleTimeoutMs;
    const quietMs = this.#clock() - (this.#events === 0 ? this.#streamStartedAt : this.#lastEventAt);
    if (quietMs + TIMER_SLACK_MS >= idleMs) {
      this.fail('timeout', `no event for ${Math.round(quietMs)} ms (--idle-timeout ${idleMs} ms)`);
      return 0;
    }
    return idleMs - quietMs;
  }

  /** The tool cuts the request (stop, abort): `cancelled` unless it already failed or ended. */
  cut(): void {
    if (this.#error === undefined && this.#terminalAt < 0) this.#cancelled = true;
  }

  /**
   * The connection failed. After the terminal event, or once cut, that is no verdict on the
   * server; before any event it is a `connection_error`, after some an `early_termination`
   * (timeouts stay `timeout`).
   */
  transportError(error: Error): void {
    if (this.#terminalAt >= 0 || this.#cancelled) return;
    this.fail(classifyTransportError(error, this.#events > 0), describeTransportError(error));
  }

  #live(): boolean {
    return this.#error === undefined && !this.#cancelled;
  }

  /**
   * The request is over: judge what is left and record it exactly once. `body` is the collected
   * body text when the response ended normally with one (JSON or an error status's body).
   */
  finish(body: string | undefined): RequestResult {
    this.#finished = true;
    const end = this.#clock();
    const options = this.#options;
    const recorder = this.#deps.recorder;
    if (this.#isStream) recorder.streamClosed();
    if (body !== undefined && this.#status >= 400) {
      this.#message = `HTTP ${this.#status}: ${body.slice(0, ERROR_BODY_SAMPLE).replace(/\s+/g, ' ')}`;
    } else if (body !== undefined && this.#live()) {
      const verdict = options.protocol?.judgeBody(body);
      if (verdict !== undefined && !verdict.ok)
        this.fail(verdict.error ?? 'invalid_json', verdict.message ?? 'bad body');
      if (verdict?.tokens !== undefined) this.#usageTokens = verdict.tokens;
    }
    if (
      this.#live() &&
      this.#isStream &&
      this.#terminalAt < 0 &&
      !(this.#interpreter?.endIsSuccess ?? true)
    ) {
      this.fail('early_termination', `stream closed after ${this.#events} events without its terminal event`);
    }
    if (this.#live() && options.verify !== undefined) {
      const why = options.verify();
      if (why !== undefined) this.fail('invalid_response', why);
    }
    const durationMs = (this.#terminalAt >= 0 ? this.#terminalAt : end) - this.#start;
    const tokens = this.#usageTokens >= 0 ? this.#usageTokens : this.#contentTokens;
    const result: Mutable<RequestResult> = {
      method: this.#method,
      name: this.#name,
      ok: this.#error === undefined && !this.#cancelled,
      durationMs,
      contentBytes: this.#contentBytes,
      stream: this.#isStream,
      events: this.#events,
      tokens,
    };
    if (this.#error !== undefined) {
      result.error = this.#error;
      result.message = this.#message ?? this.#error;
    } else if (this.#cancelled) result.cancelled = true;
    if (this.#ttfb >= 0) result.ttfbMs = this.#ttfb;
    if (this.#ttfe >= 0) {
      result.ttfeMs = this.#ttfe;
      result.streamDurationMs = this.#lastEventAt - this.#firstEventAt;
    }
    if (this.#ttft >= 0) {
      result.ttftMs = this.#ttft;
      if (tokens > 1) result.tpotMs = (durationMs - this.#ttft) / (tokens - 1);
    }
    if (options.scheduleLagMs !== undefined) result.scheduleLagMs = options.scheduleLagMs;
    if (this.#retryAfter !== undefined) result.retryAfter = this.#retryAfter;
    recorder.request(result);
    return result;
  }
}
