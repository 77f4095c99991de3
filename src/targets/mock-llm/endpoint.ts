/**
 * What each generating API of the mock (chat, completions, responses, messages, embeddings)
 * gives the server: its dialect (error shapes) and a plan for one request. The server does the
 * rest the same way for all of them: key, faults, capacity, delays, counters (server.ts).
 */
import type { Random } from '../../util/random.ts';
import type { Dialect } from './api-errors.ts';
import type { MockBehaviour } from './options.ts';
import type { StreamScript } from './token-stream.ts';

export interface PlanContext {
  readonly behaviour: MockBehaviour;
  readonly random: Random;
  /** A fresh id: `prefix` and a sequence number (`chatcmpl-1a`, `msg_1b`…). */
  id(prefix: string): string;
  /** Unix seconds. */
  readonly created: number;
}

/** One request, validated and planned. */
export interface Answer {
  readonly model: string;
  readonly stream: boolean;
  /** Token steps: how long a non-streaming answer takes (first token + steps − 1 inter-token delays). */
  readonly steps: number;
  /** Output tokens of the whole answer (the counters' share of a body). */
  readonly outputTokens: number;
  /** The events of a streaming answer. */
  script(): StreamScript;
  /** The body of a non-streaming answer. */
  body(): unknown;
}

export interface Endpoint {
  readonly dialect: Dialect;
  /** Validates `body` (throws RequestRefused with the 400 to answer) and plans the answer. */
  plan(body: Record<string, unknown>, context: PlanContext): Answer;
}
