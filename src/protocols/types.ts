/**
 * What a protocol knows about a stream: how to build the request, what
 * each event means, when the stream is done and whether it succeeded. The engine stays generic.
 */

import type { ErrorName } from '../metrics/names.ts';
import type { SseEvent } from '../sse/types.ts';
import type { ProtocolName, ResponseMode } from './names.ts';

/** Inputs for one request, chosen by the virtual user. */
export interface RequestContext {
  /** A question from the pool (`--questions` file or the built-in one). */
  readonly question: string;
  /** `--inputs` JSON merged under the protocol's own inputs. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Stable per virtual user, e.g. `streamload-user-7`. */
  readonly user: string;
  readonly responseMode: ResponseMode;
}

export interface ProtocolRequest {
  readonly method: string;
  /** Path and query, appended to the target origin. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Locust "Name" column for the request table (e.g. `/v1/workflows/run`). */
  readonly name: string;
}

/** What one event meant. `content` events start ttft and carry tokens. */
export type EventMeaning =
  | { readonly kind: 'lifecycle' }
  | { readonly kind: 'content'; readonly tokens: number }
  /** The protocol's terminal event arrived; `usageTokens` when the server reported usage. */
  | {
      readonly kind: 'terminal';
      readonly ok: boolean;
      readonly message?: string;
      readonly usageTokens?: number;
      /** The server's own time for the whole run (Dify `workflow_finished.data.elapsed_time`). */
      readonly elapsedMs?: number;
    }
  /** In-stream error event (`stream_error`) or unparseable JSON where JSON was due (`invalid_json`). */
  | {
      readonly kind: 'failure';
      readonly error: Extract<ErrorName, 'stream_error' | 'invalid_json'>;
      readonly message: string;
    }
  /**
   * Dify node timing: node_started / node_finished, keyed by node id, titled; `elapsedMs` is the
   * server's own time for the node when node_finished carries it.
   */
  | {
      readonly kind: 'node';
      readonly phase: 'started' | 'finished';
      readonly nodeId: string;
      readonly title: string;
      readonly elapsedMs?: number;
    }
  /** Usage reported before the terminal event (OpenAI's usage chunk). */
  | { readonly kind: 'usage'; readonly tokens: number };

/** Per-stream interpreter; one per request, so it may keep small state (e.g. usage seen). */
export interface StreamInterpreter {
  interpret(event: SseEvent): EventMeaning;
  /**
   * The stream closed without a terminal event: true when that is a success for this protocol
   * (generic `sse` without a terminal rule), false → `early_termination`.
   */
  readonly endIsSuccess: boolean;
}

export interface BlockingVerdict {
  readonly ok: boolean;
  readonly error?: ErrorName;
  readonly message?: string;
  /** Output tokens when the body reports them (usage / metadata). */
  readonly tokens?: number;
}

export interface Protocol {
  readonly name: ProtocolName;
  buildRequest(ctx: RequestContext): ProtocolRequest;
  createInterpreter(): StreamInterpreter;
  /** Blocking mode (and any non-stream 2xx body): judge the JSON body. */
  judgeBody(body: string): BlockingVerdict;
}
