/**
 * Runs a graph the way Dify's engine does: a node runs once every edge into it is decided and at
 * least one was taken; a branch node takes only the edges of its chosen handle, and a node whose
 * every incoming edge was skipped is skipped in turn (so a join after IF/ELSE runs once, and a
 * branch not chosen sends no events). Nodes that are ready together run concurrently. A container
 * (iteration, loop) runs its body, the nodes inside it, the same way once per round.
 */
import { randomUUID } from 'node:crypto';
import type { Edge, Graph, GraphApp, WorkflowNode } from './app.ts';
import { NODE_KINDS } from './nodes/registry.ts';
import type { EventSink } from './nodes/types.ts';
import { NodeError, type NodeOutcome, type NodeServices, type Round } from './nodes/types.ts';
import type { VariablePool } from './variable-pool.ts';

/** What the run around the graph (answer / End streaming, totals) hears about its nodes. */
export interface GraphListener {
  /** A top-level node is about to run (its branch was taken). */
  launched(node: WorkflowNode): void;
  /** A top-level node will not run (every edge into it was skipped). */
  skipped(node: WorkflowNode): void;
  /** A node's outputs are in the pool; its node_finished is next. */
  finished(node: WorkflowNode, round: Round | undefined): void;
  /** An LLM node's text delta. */
  text(node: WorkflowNode, delta: string, round: Round | undefined): void;
}

export interface GraphRunOptions {
  readonly app: GraphApp;
  readonly pool: VariablePool;
  readonly services: NodeServices;
  readonly signal: AbortSignal;
  readonly emit: EventSink;
  readonly drained: () => Promise<void> | undefined;
  readonly listener: GraphListener;
  /** Nobody reads the events (a blocking run): node events are not even built. */
  readonly silent: boolean;
}

export interface GraphTotals {
  steps: number;
  promptTokens: number;
  completionTokens: number;
}

const seconds = () => Math.floor(Date.now() / 1000);

/** Runs the whole graph from its Start node; throws NodeError when a node fails unhandled. */
export async function runGraph(options: GraphRunOptions, totals: GraphTotals): Promise<void> {
  const { app } = options;
  const { edgesFrom, edgesInto } = adjacencyOf(app.graph);
  let index = 0;

  async function runScope(entryId: string, round: Round | undefined): Promise<void> {
    const decided = new Map<Edge, boolean>();
    const running = new Set<Promise<void>>();
    let failure: unknown;

    const launch = (node: WorkflowNode) => {
      if (round === undefined) options.listener.launched(node);
      const job = runNode(node, round).then(
        (handle) => {
          for (const edge of edgesFrom.get(node.id) ?? []) decide(edge, edge.handle === handle);
        },
        (error: unknown) => {
          failure ??= error;
        },
      );
      const tracked = job.finally(() => running.delete(tracked));
      running.add(tracked);
    };

    const decide = (edge: Edge, taken: boolean) => {
      decided.set(edge, taken);
      if (failure !== undefined || options.signal.aborted) return;
      const target = app.graph.nodes.get(edge.target) as WorkflowNode;
      const incoming = edgesInto.get(target.id) ?? [];
      if (incoming.some((e) => !decided.has(e))) return;
      if (incoming.some((e) => decided.get(e) === true)) return launch(target);
      if (round === undefined) options.listener.skipped(target);
      for (const out of edgesFrom.get(target.id) ?? []) decide(out, false);
    };

    launch(app.graph.nodes.get(entryId) as WorkflowNode);
    // One job at a time is the common case (a chain): wait for it without a race.
    while (running.size > 0)
      await (running.size === 1 ? running.values().next().value : Promise.race(running));
    if (failure !== undefined) throw failure;
  }

  /** Runs one node and reports it; resolves to the handle its run continues on. */
  async function runNode(node: WorkflowNode, round: Round | undefined): Promise<string> {
    const kind = NODE_KINDS[node.type];
    if (kind === undefined) throw new NodeError(`node type ${node.type} cannot run`);
    const reported = !options.silent && kind.container === undefined && !node.type.endsWith('-start');
    // A silent run (blocking) needs no ids or times for events nobody reads.
    const executionId = reported || kind.container !== undefined ? randomUUID() : '';
    const started = reported ? performance.now() : 0;
    const createdAt = reported ? seconds() : 0;
    index++;
    const base = reported
      ? {
          id: executionId,
          node_id: node.id,
          node_type: node.type,
          title: node.title,
          index,
          predecessor_node_id: null,
          iteration_id: round?.kind === 'iteration' ? round.containerId : null,
          loop_id: round?.kind === 'loop' ? round.containerId : null,
        }
      : undefined;
    if (reported)
      options.emit('node_started', { data: { ...base, inputs: null, created_at: createdAt, extras: {} } });
    let outcome: NodeOutcome | undefined;
    let error: string | null = null;
    try {
      if (options.signal.aborted) throw new NodeError('stopped by user');
      outcome = await kind.run(node.config, {
        nodeId: node.id,
        executionId,
        title: node.title,
        pool: options.pool,
        services: options.services,
        signal: options.signal,
        onText: (delta) => options.listener.text(node, delta, round),
        drained: options.drained,
        emit: options.emit,
        runBody: (startNodeId, bodyRound) => runScope(startNodeId, bodyRound),
        round,
      });
    } catch (e) {
      if (!(e instanceof NodeError)) throw e;
      error = options.signal.aborted ? 'stopped by user' : e.message;
    }
    const strategy = error === null || options.signal.aborted ? null : node.errorStrategy;
    const outputs =
      outcome?.outputs ??
      (strategy?.kind === 'default-value'
        ? { ...strategy.values, error_message: error }
        : strategy === null
          ? null
          : {});
    if (outputs !== null) options.pool.setNode(node.id, outputs);
    totals.steps++;
    const tokens = (outcome?.usage?.promptTokens ?? 0) + (outcome?.usage?.completionTokens ?? 0);
    totals.promptTokens += outcome?.usage?.promptTokens ?? 0;
    totals.completionTokens += outcome?.usage?.completionTokens ?? 0;
    options.listener.finished(node, round);
    const status =
      error === null
        ? 'succeeded'
        : options.signal.aborted
          ? 'stopped'
          : strategy !== null
            ? 'exception'
            : 'failed';
    if (reported)
      options.emit('node_finished', {
        data: {
          ...base,
          inputs: outcome?.inputs ?? null,
          process_data: outcome?.processData ?? null,
          outputs,
          status,
          error,
          elapsed_time: (performance.now() - started) / 1000,
          execution_metadata: metadataOf(node, tokens, round),
          created_at: createdAt,
          finished_at: seconds(),
          files: [],
        },
      });
    if (error !== null && strategy === null) throw new NodeError(error);
    if (error !== null) return strategy?.kind === 'fail-branch' ? 'fail-branch' : 'source';
    return outcome?.handle ?? 'source';
  }

  await runScope(app.graph.startId, undefined);
}

interface Adjacency {
  readonly edgesFrom: ReadonlyMap<string, readonly Edge[]>;
  readonly edgesInto: ReadonlyMap<string, readonly Edge[]>;
}

/** Every run of a graph walks the same edges: indexed once per graph. */
const adjacency = new WeakMap<Graph, Adjacency>();

function adjacencyOf(graph: Graph): Adjacency {
  let known = adjacency.get(graph);
  if (known === undefined) {
    const edgesFrom = new Map<string, Edge[]>();
    const edgesInto = new Map<string, Edge[]>();
    for (const edge of graph.edges) {
      edgesFrom.set(edge.source, [...(edgesFrom.get(edge.source) ?? []), edge]);
      edgesInto.set(edge.target, [...(edgesInto.get(edge.target) ?? []), edge]);
    }
    known = { edgesFrom, edgesInto };
    adjacency.set(graph, known);
  }
  return known;
}

function metadataOf(
  node: WorkflowNode,
  tokens: number,
  round: Round | undefined,
): Record<string, unknown> | null {
  const place =
    round === undefined
      ? {}
      : round.kind === 'iteration'
        ? { iteration_id: round.containerId, iteration_index: round.index }
        : { loop_id: round.containerId, loop_index: round.index };
  const usage =
    tokens > 0 || node.type === 'llm' ? { total_tokens: tokens, total_price: '0', currency: 'USD' } : {};
  const metadata = { ...usage, ...place };
  return Object.keys(metadata).length === 0 ? null : metadata;
}
