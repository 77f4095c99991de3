/**
 * Runs a workflow or chatflow app for real: the graph runs node by node (graph-runner.ts), every
 * step is reported to a sink as the Dify event it would be (streaming) or only summarised
 * (blocking). A workflow streams LLM text and its End's text as `text_chunk`; a chatflow streams
 * its Answer nodes as `message` events (answer-stream.ts).
 */
import { randomUUID } from 'node:crypto';
import { type AnswerEntry, createAnswerStream } from './answer-stream.ts';
import type { GraphApp, WorkflowNode } from './app.ts';
import { type GraphListener, type GraphTotals, runGraph } from './graph-runner.ts';
import type { EndConfig } from './nodes/flow.ts';
import { type EventSink, NodeError, type NodeServices } from './nodes/types.ts';
import { VariablePool } from './variable-pool.ts';

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'stopped';

export interface RunRecord {
  readonly id: string;
  readonly taskId: string;
  readonly workflowId: string;
  readonly user: string;
  status: RunStatus;
  readonly inputs: Record<string, unknown>;
  outputs: Record<string, unknown> | null;
  error: string | null;
  totalSteps: number;
  totalTokens: number;
  /** Output tokens of the LLM nodes (a chatflow's `message_end` usage). */
  completionTokens: number;
  readonly createdAt: number;
  finishedAt: number | null;
  elapsedTime: number;
  readonly abort: AbortController;
}

/** Where a run reports: its events, and (streaming) the client's backpressure. */
export interface RunOutput {
  readonly emit: EventSink;
  /** A promise while the client lags behind (the LLM stream waits for it), else undefined. */
  drained?(): Promise<void> | undefined;
}

/** A blocking run's output: nothing is streamed, only the run record is kept. */
export const NO_OUTPUT: RunOutput = { emit: () => {} };

/** A chatflow run's message: its query and ids (`sys.query`, `sys.conversation_id`, `message.id`). */
export interface ChatTurn {
  readonly query: string;
  readonly conversationId: string;
  readonly messageId: string;
  /** Dify 1.13 ends a chatflow's stream with message_end and then workflow_finished: called between. */
  readonly beforeWorkflowFinished?: () => void;
}

const seconds = () => Math.floor(Date.now() / 1000);

export function newRun(app: { name: string }, user: string, inputs: Record<string, unknown>): RunRecord {
  return {
    id: randomUUID(),
    taskId: randomUUID(),
    workflowId: `wf-${app.name}`,
    user,
    status: 'running',
    inputs,
    outputs: null,
    error: null,
    totalSteps: 0,
    totalTokens: 0,
    completionTokens: 0,
    createdAt: seconds(),
    finishedAt: null,
    elapsedTime: 0,
    abort: new AbortController(),
  };
}

export async function runWorkflow(
  app: GraphApp,
  run: RunRecord,
  services: NodeServices,
  output: RunOutput,
  chat?: ChatTurn,
): Promise<void> {
  const { emit } = output;
  const silent = output === NO_OUTPUT;
  const started = performance.now();
  const pool = new VariablePool();
  const sys: Record<string, unknown> = {
    user_id: run.user,
    files: [],
    app_id: app.name,
    workflow_id: run.workflowId,
    workflow_run_id: run.id,
    ...(chat === undefined
      ? {}
      : { query: chat.query, conversation_id: chat.conversationId, dialogue_count: 1 }),
  };
  pool.setNode('sys', sys);
  // Each run starts from the DSL's values; a copy only when there is something to copy.
  const conversation = app.conversationVariables;
  pool.setNode(
    'conversation',
    Object.keys(conversation).length === 0 ? {} : structuredClone({ ...conversation }),
  );
  pool.setNode('env', { ...app.environmentVariables });
  pool.setNode(app.graph.startId, { ...run.inputs });

  const finished = new Set<string>();
  const skipped = new Set<string>();
  const launched = new Set<string>();
  const endOutputs: Record<string, unknown> = {};
  let answered = '';
  const message = (text: string, selector: readonly string[] | null) => {
    answered += text;
    emit('message', { id: chat?.messageId, answer: text, from_variable_selector: selector });
  };
  const answers =
    app.mode === 'advanced-chat'
      ? createAnswerStream(answerEntries(app), {
          // sys is known from the start; a conversation or env variable once its Answer runs
          // (an assigner before it may change it); a node's outputs once it finished or was skipped.
          isDone: (id, owner) =>
            id === 'sys' ||
            ((id === 'conversation' || id === 'env') && launched.has(owner)) ||
            finished.has(id) ||
            skipped.has(id),
          render: (reference) => pool.render(reference),
          emit: message,
        })
      : undefined;

  // Dify 1.13 starts a chatflow's answer stream with the Start node: its first `message` comes after
  // Start's node_started, before its node_finished (never before the graph ran).
  const flush = () => {
    if (finished.has(app.graph.startId)) answers?.flush();
  };
  const listener: GraphListener = {
    launched(node) {
      launched.add(node.id);
      if (!silent && node.type === 'end' && node.parentId === null)
        endText(endStreamsOf(app).byBranchEnd.get(node.id), pool, app, emit);
      if (node.type === 'answer') answers?.activate(node.id);
      flush();
    },
    skipped(node) {
      skipped.add(node.id);
      if (node.type === 'answer') answers?.skip(node.id);
      flush();
    },
    finished(node, round) {
      if (round === undefined) finished.add(node.id);
      // An Answer inside a container answers each round as it runs.
      if (node.type === 'answer' && round !== undefined) {
        const text = pool.get([node.id, 'answer']);
        if (typeof text === 'string' && text !== '') message(text, [node.id, 'answer']);
      }
      if (node.type === 'end') Object.assign(endOutputs, pool.nodeOutputs(node.id));
      // Dify 1.13: a workflow's End outputs stream as text_chunk as soon as the node that made them
      // finished, before its node_finished (an LLM's text already streamed delta by delta).
      if (!silent && round === undefined) endText(endStreamsOf(app).bySource.get(node.id), pool, app, emit);
      flush();
    },
    text(node, delta, round) {
      // A workflow streams its (top-level) LLMs' text; a chatflow only through its Answer nodes.
      if (round !== undefined) return;
      if (answers === undefined)
        emit('text_chunk', { data: { text: delta, from_variable_selector: [node.id, 'text'] } });
      else answers.delta(node.id, delta);
    },
  };

  if (!silent)
    emit('workflow_started', {
      data: {
        id: run.id,
        workflow_id: run.workflowId,
        inputs: {
          ...run.inputs,
          ...Object.fromEntries(Object.entries(sys).map(([k, v]) => [`sys.${k}`, v])),
        },
        created_at: run.createdAt,
      },
    });
  flush();
  const totals: GraphTotals = { steps: 0, promptTokens: 0, completionTokens: 0 };
  try {
    await runGraph(
      {
        app,
        pool,
        services,
        signal: run.abort.signal,
        emit,
        drained: () => output.drained?.(),
        listener,
        silent,
      },
      totals,
    );
  } catch (error) {
    // Dify: a node failure ends a workflow with workflow_finished{status:"failed", error}, not an error event.
    run.error = error instanceof NodeError ? error.message : `internal error: ${String(error)}`;
    run.status = run.abort.signal.aborted ? 'stopped' : 'failed';
  }
  run.totalSteps = totals.steps;
  run.totalTokens = totals.promptTokens + totals.completionTokens;
  run.completionTokens = totals.completionTokens;
  if (run.abort.signal.aborted) run.status = 'stopped';
  else if (run.status === 'running') {
    run.status = 'succeeded';
    run.outputs = answers === undefined ? endOutputs : { answer: answered, files: [] };
  }
  run.finishedAt = seconds();
  run.elapsedTime = (performance.now() - started) / 1000;
  if (silent) return;
  // A chatflow that answered sends message_end before workflow_finished (Dify 1.13's order).
  chat?.beforeWorkflowFinished?.();
  emit('workflow_finished', {
    data: {
      id: run.id,
      workflow_id: run.workflowId,
      status: run.status,
      outputs: run.outputs,
      error: run.error,
      elapsed_time: run.elapsedTime,
      total_tokens: run.totalTokens,
      total_steps: run.totalSteps,
      created_by: { id: `eu-${run.user}`, user: run.user },
      created_at: run.createdAt,
      finished_at: run.finishedAt,
      exceptions_count: 0,
      files: [],
    },
  });
}

/**
 * A workflow's End outputs streamed as `text_chunk` (Dify sends an End's output even when no LLM
 * made it): an End every run reaches, the moment the node that made the value finished (before its
 * node_finished); an End on a branch once its branch is taken, never the untaken branch's. An
 * LLM's text was already streamed delta by delta, so it is not repeated.
 */
function endText(
  selectors: readonly (readonly string[])[] | undefined,
  pool: VariablePool,
  app: GraphApp,
  emit: (e: string, f: Record<string, unknown>) => void,
) {
  if (app.mode !== 'workflow') return;
  for (const selector of selectors ?? []) {
    const source = app.graph.nodes.get(selector[0] as string);
    if (source?.type === 'llm' && source.parentId === null) continue;
    const value = pool.get(selector);
    if (typeof value === 'string' && value !== '')
      emit('text_chunk', { data: { from_variable_selector: [...selector], text: value } });
  }
}

interface EndStreams {
  /** Outputs of Ends every run reaches, by the node that makes them: streamed when it finishes. */
  readonly bySource: ReadonlyMap<string, readonly (readonly string[])[]>;
  /** Outputs of Ends on a branch, by End: streamed once the branch is taken (the End launched). */
  readonly byBranchEnd: ReadonlyMap<string, readonly (readonly string[])[]>;
}

const endStreams = new WeakMap<GraphApp, EndStreams>();

/** A workflow's top-level End outputs, as they stream (computed once per app). */
function endStreamsOf(app: GraphApp): EndStreams {
  const cached = endStreams.get(app);
  if (cached !== undefined) return cached;
  const certain = certainNodes(app);
  const bySource = new Map<string, (readonly string[])[]>();
  const byBranchEnd = new Map<string, (readonly string[])[]>();
  for (const n of app.graph.nodes.values()) {
    if (n.type !== 'end' || n.parentId !== null) continue;
    for (const output of (n.config as EndConfig).outputs) {
      const [map, key] = certain.has(n.id) ? [bySource, output.selector[0] as string] : [byBranchEnd, n.id];
      map.set(key, [...(map.get(key) ?? []), output.selector]);
    }
  }
  const streams = { bySource, byBranchEnd };
  endStreams.set(app, streams);
  return streams;
}

/** Nodes after which an Answer is not known to come next: branches, and containers (their own Answers go first). */
const BRANCHING = new Set(['if-else', 'question-classifier', 'iteration', 'loop']);
const entriesByApp = new WeakMap<GraphApp, AnswerEntry[]>();

/**
 * The nodes a run reaches for sure: those a path of edges reaches from Start without passing a
 * branch (to a fixpoint: the graph is acyclic). The others wait for their branch to be taken.
 */
function certainNodes(app: GraphApp): Set<string> {
  const { nodes, edges, startId } = app.graph;
  const branches = (id: string) => {
    const node = nodes.get(id) as WorkflowNode;
    return BRANCHING.has(node.type) || node.errorStrategy?.kind === 'fail-branch';
  };
  const certain = new Set([startId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const edge of edges)
      if (certain.has(edge.source) && !branches(edge.source) && !certain.has(edge.target)) {
        certain.add(edge.target);
        grew = true;
      }
  }
  return certain;
}

/**
 * A chatflow's top-level Answer nodes in graph order (breadth first from Start); an Answer is
 * `certain` when a path of edges reaches it from Start without passing a branch.
 */
export function answerEntries(app: GraphApp): AnswerEntry[] {
  const cached = entriesByApp.get(app);
  if (cached !== undefined) return cached;
  const { nodes, edges, startId } = app.graph;
  const order: string[] = [startId];
  for (let i = 0; i < order.length; i++)
    for (const edge of edges)
      if (edge.source === order[i] && !order.includes(edge.target)) order.push(edge.target);
  const certain = certainNodes(app);
  const entries = order
    .map((id) => nodes.get(id) as WorkflowNode)
    .filter((n) => n.type === 'answer' && n.parentId === null)
    .map((n) => ({
      nodeId: n.id,
      template: (n.config as { answer: string }).answer,
      certain: certain.has(n.id),
    }));
  entriesByApp.set(app, entries);
  return entries;
}
