/**
 * What a node kind is to the reference server: how its DSL `data` is read (once, at load, so a
 * file it cannot run is refused with `file:line` before it serves) and how one execution runs.
 */
import type { LlmClient } from '../llm-client.ts';
import type { VariablePool } from '../variable-pool.ts';

export type Path = readonly (string | number)[];

/** Where a node's data is being read: failures name the file and line. */
export interface NodeAt {
  /** Stops loading with `file:line: reason`; `path` is under the node's `data`. */
  fail(path: Path, reason: string): never;
  /** A load-time warning, printed once per `key` (e.g. Python code nodes that give placeholders). */
  warn(key: string, message: string): void;
  /** The file's load options. */
  readonly options: DslOptions;
}

export interface DslOptions {
  /** Run Python code nodes with `python3` (operator flag); else their typed placeholders. */
  readonly python: boolean;
}

/** What nodes call out to: the LLM, the code runner, HTTP, the mock retrieval. */
export interface NodeServices {
  readonly llm: LlmClient;
  readonly code: CodeRunner;
  readonly http: HttpPolicy;
  /** The mock knowledge retrieval's latency. */
  readonly retrievalMs: number;
}

/** One round of a container (iteration or loop) as its body's node events name it. */
export interface Round {
  readonly containerId: string;
  readonly kind: 'iteration' | 'loop';
  readonly index: number;
}

export interface NodeContext {
  readonly nodeId: string;
  /** This execution's id (`data.id` of its events). */
  readonly executionId: string;
  readonly title: string;
  readonly pool: VariablePool;
  readonly services: NodeServices;
  readonly signal: AbortSignal;
  /** An LLM text delta (streamed to the client when an answer or the End waits on it). */
  readonly onText: (text: string) => void;
  /** A promise while the client lags behind (LLM streams wait for it), else undefined. */
  readonly drained: () => Promise<void> | undefined;
  /** Payload events of the run (containers send `iteration_*` / `loop_*`). */
  readonly emit: EventSink;
  /** Runs a container's body once, from its start node; throws NodeError when a body node fails. */
  readonly runBody: (startNodeId: string, round: Round) => Promise<void>;
  /** The round this node runs in, when inside a container. */
  readonly round: Round | undefined;
}

export interface NodeOutcome {
  readonly outputs: Record<string, unknown>;
  readonly inputs?: Record<string, unknown> | null;
  readonly processData?: Record<string, unknown> | null;
  /** The edge handle the run continues on (branch nodes); `source` otherwise. */
  readonly handle?: string;
  readonly usage?: { readonly promptTokens: number; readonly completionTokens: number };
}

export interface NodeKind<C> {
  parse(data: Record<string, unknown>, at: NodeAt): C;
  run(config: C, ctx: NodeContext): NodeOutcome | Promise<NodeOutcome>;
  /** Containers report through their own events, not node_started/node_finished. */
  readonly container?: 'iteration' | 'loop';
}

/** A node's run failed: the message becomes the node's (and the run's) error. */
export class NodeError extends Error {}

/** Receives payload events (without the envelope, which the server adds). */
export type EventSink = (event: string, fields: Record<string, unknown>) => void;

export interface CodeRunner {
  javascript(
    code: string,
    inputs: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>>;
  python(
    code: string,
    inputs: Record<string, unknown>,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface HttpPolicy {
  /** Hosts (`host` or `host:port`) beyond loopback that get real requests. */
  readonly allow: readonly string[];
  /** The answer every other URL gets. */
  readonly mockStatus: number;
  readonly mockBody: string;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}
