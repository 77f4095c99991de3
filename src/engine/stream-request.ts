/**
 * The hot path's transport: one HTTP request through undici's raw dispatch API. Socket chunks go
 * straight into the SSE parser and each event into the request's timer (request-timer.ts), which
 * times and judges; this file only moves bytes, arms the idle and drain timers and cuts the
 * connection when the timer says so. A finished request is recorded exactly once.
 *
 * Allocation: the dispatch handler is a class (methods on the prototype, timers take it as their
 * argument), and a finished handler goes back to a free list with its SSE parser, so a request
 * makes no closures, parser or TextDecoder of its own (`npm run bench:engine`).
 */
import type { Dispatcher } from 'undici';
import type { Recorder } from '../metrics/recorder-api.ts';
import type { RequestResult } from '../metrics/types.ts';
import type { ProtocolRequest } from '../protocols/types.ts';
import { createSseParser } from '../sse/parser.ts';
import type { SseEvent, SseParseError, SseParser } from '../sse/types.ts';
import { COMPRESSED_HINT, contentEncoding, describeTransportError, resourceExhaustion } from './classify.ts';
import { ERROR_BODY_KEEP_BYTES, RequestTimer, type TimerDeps, type TimerOptions } from './request-timer.ts';
import { type KeptResponse, keepChunk } from './scenario/response.ts';

/** A request in flight, as a stop sees it: cut it now (it then counts as `cancelled`). */
export interface InFlightRequest {
  cut(reason: Error): void;
}

export interface RequestDeps extends TimerDeps {
  readonly dispatcher: Dispatcher;
  readonly origin: string;
  readonly recorder: Recorder;
  readonly maxEventBytes: number;
  /** Largest blocking (non-stream) body before `body_too_large` (`--max-body-size`). */
  readonly maxBodyBytes: number;
  /** Told of every transport error that is the generator's own resource exhaustion (EMFILE…). */
  readonly onResourceExhausted?: (code: string) => void;
  /** Requests in flight, so a stop can cut them. */
  readonly inFlight: Set<InFlightRequest>;
}

export interface SendOptions extends TimerOptions {
  /** Scenario files: status, headers and the head of the body are kept here for the task. */
  readonly keep?: KeptResponse;
}

/**
 * After its terminal event a request is over, but the server may not end the response (it keeps
 * pinging): it gets this long to end it — normally the end arrives in the same read — and is then
 * cut, so the connection never holds a user until the stop timeout.
 */
const TERMINAL_DRAIN_MS = 200;
/** Handlers kept for reuse: enough for every stream of a large run, bounded for a burst. */
const MAX_FREE_HANDLERS = 4096;

const free: SseRequest[] = [];

export function sendRequest(
  deps: RequestDeps,
  request: ProtocolRequest,
  options: SendOptions,
): Promise<RequestResult> {
  const handler = free.pop() ?? new SseRequest();
  return new Promise<RequestResult>((resolve) => handler.start(deps, request, options, resolve));
}

function onIdleTimer(request: SseRequest): void {
  request.idleTimerFired();
}

function onDrainTimer(request: SseRequest): void {
  request.abort(new Error('response not ended after its terminal event'));
}

/** One request's dispatch handler; reused (with its parser) once undici is done with it. */
class SseRequest implements Dispatcher.DispatchHandler, InFlightRequest {
  #deps!: RequestDeps;
  #options!: SendOptions;
  #timer!: RequestTimer;
  #resolve!: (result: RequestResult) => void;
  /** The parser of the current stream, or undefined while not parsing one. */
  #parsing: SseParser | undefined;
  #parser: SseParser | undefined;
  #parserMaxBytes = 0;
  #controller: Dispatcher.DispatchController | undefined;
  #body: Buffer[] | undefined;
  #bodyBytes = 0;
  #settled = false;
  #responseEnded = false;
  /** undici is done with this request: the handler is in the free list (or serving the next one). */
  #released = false;
  #idleTimer: NodeJS.Timeout | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  /** Bound once per handler (not per request): the parser calls back into the current timer. */
  readonly #onEvent = (event: SseEvent): void => this.#timer.event(event);
  readonly #onParseError = (error: SseParseError): void => {
    this.#timer.fail(error.kind, error.message);
    this.abort(new Error(error.message));
  };

  start(
    deps: RequestDeps,
    request: ProtocolRequest,
    options: SendOptions,
    resolve: (result: RequestResult) => void,
  ): void {
    this.#deps = deps;
    this.#options = options;
    this.#resolve = resolve;
    this.#timer = new RequestTimer(deps, request, options);
    this.#parsing = undefined;
    this.#controller = undefined;
    this.#body = undefined;
    this.#bodyBytes = 0;
    this.#settled = false;
    this.#responseEnded = false;
    this.#released = false;
    this.#idleTimer = undefined;
    deps.inFlight.add(this);
    try {
      deps.dispatcher.dispatch(
        {
          origin: deps.origin,
          path: request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          // A stream's idle time is measured between events (the timer's idleCheck), not between bytes.
          bodyTimeout: options.stream ? 0 : undefined,
          body: request.body,
        },
        this,
      );
    } catch (err) {
      this.#noteExhaustion(err as Error);
      this.#timer.fail('connection_error', describeTransportError(err as Error));
      this.#finish();
      this.#release();
    }
  }

  cut(reason: Error): void {
    this.#timer.cut();
    if (this.#controller !== undefined) {
      this.abort(reason);
      return;
    }
    // Still waiting for a connection (--max-connections, a tunnel being set up): undici gives a
    // raw dispatch no way to leave its queue, so the request is over for the run now (recorded as
    // cancelled) and this handler stays undici's until it starts it (and is aborted at once) or
    // errors it (the transport destroyed at the run's end).
    this.#finish();
  }

  abort(reason: Error): void {
    this.#controller?.abort(reason);
  }

  idleTimerFired(): void {
    this.#idleTimer = undefined;
    const wait = this.#timer.idleCheck();
    if (wait === 0) this.abort(new Error('idle timeout between events'));
    else if (wait > 0) this.#idleTimer = setTimeout(onIdleTimer, wait, this);
  }

  /** The stream parser for this request: the handler's own, reset, when the cap is the same. */
  #streamParser(): SseParser {
    const max = this.#deps.maxEventBytes;
    if (this.#parser === undefined || this.#parserMaxBytes !== max) {
      this.#parser = createSseParser({
        onEvent: this.#onEvent,
        onError: this.#onParseError,
        maxEventBytes: max,
      });
      this.#parserMaxBytes = max;
    } else this.#parser.reset();
    return this.#parser;
  }

  #finish(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#deps.inFlight.delete(this);
    if (this.#idleTimer !== undefined) clearTimeout(this.#idleTimer);
    let text: string | undefined;
    if (this.#body !== undefined && this.#responseEnded) text = Buffer.concat(this.#body).toString('utf8');
    this.#body = undefined;
    this.#resolve(this.#timer.finish(text));
  }

  /** undici is done with this handler: it may serve the next request. */
  #release(): void {
    if (this.#released) return;
    this.#released = true;
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    this.#parsing = undefined;
    this.#controller = undefined;
    // A pooled handler must not keep a finished run alive (its recorder, dispatcher, scenario).
    this.#deps = undefined as unknown as RequestDeps;
    this.#options = undefined as unknown as SendOptions;
    this.#timer = undefined as unknown as RequestTimer;
    this.#resolve = undefined as unknown as (result: RequestResult) => void;
    if (free.length < MAX_FREE_HANDLERS) free.push(this);
  }

  #noteExhaustion(err: Error): void {
    if (this.#deps.onResourceExhausted === undefined) return;
    const code = resourceExhaustion(err);
    if (code !== undefined) this.#deps.onResourceExhausted(code);
  }

  /** The terminal event ends the request now; the rest of the response is drained or cut. */
  #endAtTerminal(): void {
    this.#finish();
    // The end of a well-behaved response is parsed in the same read, before this microtask
    // runs: only a server still sending after its terminal event costs a timer.
    const timer = this.#timer;
    queueMicrotask(() => {
      // The handler may already serve the next request: only this request's own drain is armed.
      if (this.#timer === timer && !this.#released) {
        this.#drainTimer = setTimeout(onDrainTimer, TERMINAL_DRAIN_MS, this);
      }
    });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#settled) controller.abort(new Error('cut while waiting for a connection'));
  }

  onResponseStart(
    _c: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    const keep = this.#options.keep;
    if (statusCode >= 200 && keep !== undefined) {
      keep.status = statusCode;
      keep.headers = headers;
    }
    const type = headers['content-type'];
    const after = headers['retry-after'];
    const plan = this.#timer.responseStart(
      statusCode,
      type === undefined ? '' : String(type),
      after === undefined ? undefined : String(after),
    );
    const encoding = headers['content-encoding'];
    if (encoding !== undefined && statusCode < 300 && contentEncoding(encoding) !== undefined) {
      // Compressed bytes would parse as no events at all: name the coding instead.
      this.#timer.fail(
        'invalid_response',
        `Content-Encoding: ${encoding} (asked for identity): ${COMPRESSED_HINT}`,
      );
      this.abort(new Error('compressed response'));
      return;
    }
    if (plan === 'stream') {
      this.#parsing = this.#streamParser();
      this.#idleTimer = setTimeout(onIdleTimer, this.#deps.idleTimeoutMs, this);
    } else if (plan === 'body') this.#body = [];
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return; // draining after the terminal event (or released)
    const timer = this.#timer;
    timer.chunk(chunk.length);
    if (this.#options.keep !== undefined) keepChunk(this.#options.keep, chunk);
    const parser = this.#parsing;
    if (parser !== undefined) {
      parser.feed(chunk);
      if (timer.terminated) this.#endAtTerminal();
      return;
    }
    const body = this.#body;
    if (body === undefined) return;
    this.#bodyBytes += chunk.length;
    if (timer.failed) {
      // An error body only feeds the sample message.
      if (this.#bodyBytes - chunk.length < ERROR_BODY_KEEP_BYTES) body.push(chunk);
      return;
    }
    const max = this.#deps.maxBodyBytes;
    if (this.#bodyBytes > max) {
      timer.fail('body_too_large', `body exceeds --max-body-size (${max} bytes)`);
      this.#body = undefined;
      this.abort(new Error('body too large'));
      return;
    }
    body.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#released) return; // undici ends a request once; a pooled handler ignores strays
    this.#responseEnded = true;
    this.#finish();
    this.#release();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (this.#released) return;
    if (this.#settled) {
      this.#release(); // cut while it waited for a connection: already recorded
      return;
    }
    this.#noteExhaustion(err);
    this.#timer.transportError(err);
    this.#body = undefined;
    this.#finish();
    this.#release();
  }
}
