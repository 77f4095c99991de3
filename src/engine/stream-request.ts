/**
 * The hot path: one HTTP request through undici's raw dispatch API. Socket chunks go straight into
 * the SSE parser, each event through the protocol's interpreter, and counts into the recorder.
 * Latencies use the monotonic clock; a finished request is recorded exactly once, under at most
 * one error name.
 */
import type { Dispatcher } from 'undici';
import type { ErrorName } from '../metrics/names.ts';
import type { Recorder, RequestResult } from '../metrics/types.ts';
import type { Protocol, ProtocolRequest } from '../protocols/types.ts';
import { createSseParser } from '../sse/parser.ts';
import type { SseEvent } from '../sse/types.ts';
import {
  classifyStatus,
  classifyTransportError,
  describeTransportError,
  isEventStreamType,
  resourceExhaustion,
} from './classify.ts';
import { type KeptResponse, keepChunk } from './scenario/response.ts';

export interface RequestDeps {
  readonly dispatcher: Dispatcher;
  readonly origin: string;
  readonly recorder: Recorder;
  readonly maxEventBytes: number;
  /** Largest blocking (non-stream) body before `body_too_large` (`--max-body-size`). */
  readonly maxBodyBytes: number;
  /** Longest gap between two events of a stream (or headers → first event) before `timeout`. */
  readonly idleTimeoutMs: number;
  /** Told of every transport error that is the generator's own resource exhaustion (EMFILE…). */
  readonly onResourceExhausted?: (code: string) => void;
  /** Aborts of in-flight requests, so a stop can cut them (the request then counts as `cancelled`). */
  readonly inFlight: Set<(reason: Error) => void>;
}

export interface SendOptions {
  /** Expect an event stream (true) or a JSON body (false). */
  readonly stream: boolean;
  /** Interprets events and judges bodies; absent for plain HTTP tasks (any 2xx is a success). */
  readonly protocol?: Protocol;
  readonly scheduleLagMs?: number;
  /** Scenario files: status, headers and the head of the body are kept here for the task. */
  readonly keep?: KeptResponse;
  /** Scenario files: the task's checks on the kept response; a message fails the request. */
  readonly verify?: () => string | undefined;
}

const ERROR_BODY_SAMPLE = 300;
/** Nodes of one workflow stream started and not yet finished that are timed. */
const MAX_OPEN_NODES = 1000;
/** An error body is kept only up to here: enough bytes for the sample in any UTF-8 text. */
const ERROR_BODY_KEEP_BYTES = ERROR_BODY_SAMPLE * 4;
/**
 * After its terminal event a request is over, but the server may not end the response (it keeps
 * pinging): it gets this long to end it — normally the end arrives in the same read — and is then
 * cut, so the connection never holds a user until the stop timeout.
 */
const TERMINAL_DRAIN_MS = 200;
/** Node may fire a timer up to a millisecond before performance.now() says it is due. */
const TIMER_SLACK_MS = 1;

export function sendRequest(
  deps: RequestDeps,
  request: ProtocolRequest,
  options: SendOptions,
): Promise<RequestResult> {
  const { recorder } = deps;
  const interpreter = options.stream ? options.protocol?.createInterpreter() : undefined;
  const start = performance.now();

  let ttfb: number | undefined;
  let ttfe: number | undefined;
  let ttft: number | undefined;
  let firstEventAt = 0;
  let lastEventAt = 0;
  let terminalAt: number | undefined;
  let events = 0;
  let contentTokens = 0;
  let usageTokens: number | undefined;
  let contentBytes = 0;
  /**
   * Stream bytes received since the last event, counted with the next one: one addition per
   * chunk, and a stream's events add up to its bytes up to its last event (as before, when the
   * parser apportioned each chunk among its events at a cost per event).
   */
  let bytesSinceEvent = 0;
  let isStream = false;
  let error: ErrorName | undefined;
  let message: string | undefined;
  let status = 0;
  let streamStartedAt = 0;
  let retryAfter: string | undefined;
  let body: Buffer[] | undefined;
  let bodyBytes = 0;
  let nodeStarts: Map<string, number> | undefined;
  let controller: Dispatcher.DispatchController | undefined;
  /** The tool cut this request (stop timeout, abort, run end): `cancelled`, not the server's failure. */
  let cancelled = false;

  function fail(name: ErrorName, text: string): void {
    if (error !== undefined) return;
    error = name;
    message = text;
  }

  function onEvent(event: SseEvent): void {
    const now = performance.now();
    events++;
    recorder.event(bytesSinceEvent, events === 1 ? undefined : now - lastEventAt);
    bytesSinceEvent = 0;
    if (events === 1) {
      ttfe = now - start;
      firstEventAt = now;
    }
    lastEventAt = now;
    if (interpreter === undefined || terminalAt !== undefined) return;
    const meaning = interpreter.interpret(event);
    switch (meaning.kind) {
      case 'content':
        if (ttft === undefined) ttft = now - start;
        contentTokens += meaning.tokens;
        break;
      case 'terminal':
        terminalAt = now;
        if (meaning.usageTokens !== undefined) usageTokens = meaning.usageTokens;
        if (!meaning.ok) fail('stream_error', meaning.message ?? 'the stream reported a failure');
        break;
      case 'usage':
        usageTokens = meaning.tokens;
        break;
      case 'failure':
        fail(meaning.error, meaning.message);
        break;
      case 'node':
        nodeStarts ??= new Map();
        // Ids are server data: a stream that starts nodes without end cannot grow this map forever.
        if (meaning.phase === 'started') {
          if (nodeStarts.size < MAX_OPEN_NODES) nodeStarts.set(meaning.nodeId, now);
        } else {
          const began = nodeStarts.get(meaning.nodeId);
          nodeStarts.delete(meaning.nodeId);
          if (began !== undefined) recorder.value(`node_duration.${meaning.title}`, now - began);
        }
        break;
      case 'lifecycle':
        break;
    }
  }

  const parser = options.stream
    ? createSseParser({
        onEvent,
        onError: (e) => {
          fail(e.kind, e.message);
          controller?.abort(new Error(e.message));
        },
        maxEventBytes: deps.maxEventBytes,
      })
    : undefined;

  return new Promise<RequestResult>((resolve) => {
    let settled = false;
    let idleTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let responseEnded = false;
    const cut = (reason: Error) => {
      if (error === undefined && terminalAt === undefined) cancelled = true;
      controller?.abort(reason);
    };
    deps.inFlight.add(cut);

    function finish(): void {
      if (settled) return;
      settled = true;
      deps.inFlight.delete(cut);
      if (idleTimer !== undefined) clearTimeout(idleTimer);
      const end = performance.now();
      if (isStream) recorder.streamClosed();
      if (
        error === undefined &&
        !cancelled &&
        isStream &&
        terminalAt === undefined &&
        !(interpreter?.endIsSuccess ?? true)
      ) {
        fail('early_termination', `stream closed after ${events} events without its terminal event`);
      }
      if (error === undefined && !cancelled && body !== undefined) {
        const verdict = options.protocol?.judgeBody(Buffer.concat(body).toString('utf8'));
        if (verdict !== undefined && !verdict.ok)
          fail(verdict.error ?? 'invalid_json', verdict.message ?? 'bad body');
        if (verdict?.tokens !== undefined) usageTokens = verdict.tokens;
      }
      if (error === undefined && !cancelled && options.verify !== undefined) {
        const why = options.verify();
        if (why !== undefined) fail('invalid_response', why);
      }
      const durationMs = (terminalAt ?? end) - start;
      const tokens = usageTokens ?? contentTokens;
      const result: RequestResult = {
        method: request.method,
        name: request.name,
        ok: error === undefined && !cancelled,
        ...(error === undefined ? {} : { error, message: message ?? error }),
        ...(cancelled && error === undefined ? { cancelled } : {}),
        durationMs,
        contentBytes,
        ...(ttfb === undefined ? {} : { ttfbMs: ttfb }),
        ...(ttfe === undefined ? {} : { ttfeMs: ttfe, streamDurationMs: lastEventAt - firstEventAt }),
        ...(ttft === undefined ? {} : { ttftMs: ttft }),
        ...(ttft !== undefined && tokens > 1 ? { tpotMs: (durationMs - ttft) / (tokens - 1) } : {}),
        stream: isStream,
        events,
        tokens,
        ...(options.scheduleLagMs === undefined ? {} : { scheduleLagMs: options.scheduleLagMs }),
        ...(retryAfter === undefined ? {} : { retryAfter }),
      };
      recorder.request(result);
      resolve(result);
    }

    /**
     * PRODUCT.md's idle timeout is the gap between events: comments and data-less pings carry no
     * event and do not reset it. One timer per stream, re-armed only when it fires early (never
     * per event): onEvent already keeps lastEventAt.
     */
    function checkIdle(): void {
      idleTimer = undefined;
      if (settled) return;
      const quietMs = performance.now() - (events === 0 ? streamStartedAt : lastEventAt);
      if (quietMs + TIMER_SLACK_MS >= deps.idleTimeoutMs) {
        fail('timeout', `no event for ${Math.round(quietMs)} ms (--idle-timeout ${deps.idleTimeoutMs} ms)`);
        controller?.abort(new Error('idle timeout between events'));
      } else idleTimer = setTimeout(checkIdle, deps.idleTimeoutMs - quietMs);
    }

    function noteExhaustion(err: Error): void {
      if (deps.onResourceExhausted === undefined) return;
      const code = resourceExhaustion(err);
      if (code !== undefined) deps.onResourceExhausted(code);
    }

    /** The terminal event ends the request now; the rest of the response is drained or cut. */
    function endAtTerminal(): void {
      finish();
      // The end of a well-behaved response is parsed in the same read, before this microtask
      // runs: only a server still sending after its terminal event costs a timer.
      queueMicrotask(() => {
        if (responseEnded) return;
        drainTimer = setTimeout(
          () => controller?.abort(new Error('response not ended after its terminal event')),
          TERMINAL_DRAIN_MS,
        );
      });
    }

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
      },
      onResponseStart(_c, statusCode, headers) {
        // 1xx (103 Early Hints…) are informational: the response proper follows (RFC 9110 §15.2).
        if (statusCode < 200) return;
        ttfb = performance.now() - start;
        status = statusCode;
        if (options.keep !== undefined) {
          options.keep.status = statusCode;
          options.keep.headers = headers;
        }
        const statusError = classifyStatus(statusCode);
        const type = String(headers['content-type'] ?? '');
        const eventStream = isEventStreamType(type);
        if (statusError !== undefined) {
          fail(statusError, `HTTP ${statusCode}`);
          const after = headers['retry-after'];
          if (after !== undefined) retryAfter = String(after);
          body = [];
          return;
        }
        if (options.stream && !eventStream) {
          fail(
            'invalid_response',
            `expected text/event-stream, got ${type === '' ? 'no content type' : type}`,
          );
          body = [];
          return;
        }
        if (!options.stream && eventStream) {
          fail('invalid_response', 'expected a JSON body, got text/event-stream');
        }
        if (parser !== undefined) {
          isStream = true;
          streamStartedAt = performance.now();
          idleTimer = setTimeout(checkIdle, deps.idleTimeoutMs);
          recorder.streamOpened();
        } else body = [];
      },
      onResponseData(_c, chunk) {
        if (settled) return; // draining after the terminal event
        contentBytes += chunk.length;
        if (options.keep !== undefined) keepChunk(options.keep, chunk);
        if (parser !== undefined && isStream) {
          bytesSinceEvent += chunk.length;
          parser.feed(chunk);
          if (terminalAt !== undefined) endAtTerminal();
          return;
        }
        if (body === undefined) return;
        bodyBytes += chunk.length;
        if (error !== undefined) {
          // An error body only feeds the sample message.
          if (bodyBytes - chunk.length < ERROR_BODY_KEEP_BYTES) body.push(chunk);
          return;
        }
        if (bodyBytes > deps.maxBodyBytes) {
          fail('body_too_large', `body exceeds --max-body-size (${deps.maxBodyBytes} bytes)`);
          body = undefined;
          controller?.abort(new Error('body too large'));
          return;
        }
        body.push(chunk);
      },
      onResponseEnd() {
        responseEnded = true;
        if (drainTimer !== undefined) clearTimeout(drainTimer);
        if (status >= 400 && body !== undefined) {
          const sample = Buffer.concat(body)
            .toString('utf8')
            .slice(0, ERROR_BODY_SAMPLE)
            .replace(/\s+/g, ' ');
          message = `HTTP ${status}: ${sample}`;
          body = undefined;
        } else if (error !== undefined) body = undefined;
        finish();
      },
      onResponseError(_c, err) {
        responseEnded = true;
        if (drainTimer !== undefined) clearTimeout(drainTimer);
        noteExhaustion(err);
        if (terminalAt === undefined && !cancelled) {
          const streamStarted = events > 0;
          fail(classifyTransportError(err, streamStarted), describeTransportError(err));
        }
        body = undefined;
        finish();
      },
    };

    try {
      deps.dispatcher.dispatch(
        {
          origin: deps.origin,
          path: request.path,
          method: request.method as Dispatcher.HttpMethod,
          headers: request.headers,
          // A stream's idle time is measured between events (checkIdle), not between bytes.
          ...(options.stream ? { bodyTimeout: 0 } : {}),
          ...(request.body === undefined ? {} : { body: request.body }),
        },
        handler,
      );
    } catch (err) {
      noteExhaustion(err as Error);
      fail('connection_error', describeTransportError(err as Error));
      finish();
    }
  });
}
