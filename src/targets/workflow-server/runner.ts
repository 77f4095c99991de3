/**
 * Runs a workflow or chatflow app's chain for real: Start validates inputs (done by the server
 * before the run), the LLM node renders its prompt and streams from the LLM, End collects outputs,
 * Answer (chatflow) streams its template as `message` events. Every step is reported to a sink as
 * the Dify event it would be (streaming) or only summarised (blocking).
 */
import { randomUUID } from 'node:crypto';
import { createAnswerStream } from './answer-stream.ts';
import type { GraphApp, LlmSettings } from './app.ts';
import { type LlmClient, LlmError } from './llm-client.ts';

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

/** Receives payload events (without the envelope, which the server adds). */
export type EventSink = (event: string, fields: Record<string, unknown>) => void;

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

export function renderTemplate(text: string, pool: ReadonlyMap<string, Record<string, unknown>>): string {
  return text.replace(/\{\{#([\w.-]+)#\}\}/g, (_, ref: string) => {
    const [node, ...path] = ref.split('.');
    let value: unknown =
      node === 'sys' ? pool.get('sys')?.[`sys.${path.join('.')}`] : pool.get(node as string);
    for (const key of node === 'sys' ? [] : path)
      value = (value as Record<string, unknown> | undefined)?.[key];
    return value === undefined || value === null
      ? ''
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  });
}

export function newRun(app: GraphApp, user: string, inputs: Record<string, unknown>): RunRecord {
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
  llm: LlmClient,
  output: RunOutput,
  chat?: ChatTurn,
): Promise<void> {
  const { emit } = output;
  const started = performance.now();
  const pool = new Map<string, Record<string, unknown>>();
  pool.set('sys', {
    'sys.user_id': run.user,
    'sys.files': [],
    'sys.app_id': app.name,
    'sys.workflow_id': run.workflowId,
    'sys.workflow_run_id': run.id,
    ...(chat === undefined
      ? {}
      : { 'sys.query': chat.query, 'sys.conversation_id': chat.conversationId, 'sys.dialogue_count': 1 }),
  });
  let answered = '';
  const chatflow = app.mode === 'advanced-chat';
  // Dify streams a chatflow's Answer templates as `message` events and a workflow's End outputs as
  // `text_chunk` events (each output as the reference `{{#node.var#}}`), in order, as soon as known.
  const answers = createAnswerStream(
    app.nodes.flatMap((n) =>
      chatflow
        ? n.type === 'answer'
          ? [n.answer]
          : []
        : n.type === 'end'
          ? n.outputs.map((o) => `{{#${o.selector.join('.')}#}}`)
          : [],
    ),
    {
      isDone: (id) => pool.has(id),
      render: (reference) => renderTemplate(reference, pool),
      emit: (text, selector) => {
        // Keys in Dify's (sorted) order: the sink then writes the event without reordering it.
        if (!chatflow) return emit('text_chunk', { data: { from_variable_selector: selector, text } });
        answered += text;
        emit('message', { id: chat?.messageId, answer: text, from_variable_selector: selector });
      },
    },
  );
  emit('workflow_started', {
    data: {
      id: run.id,
      workflow_id: run.workflowId,
      inputs: { ...run.inputs, ...pool.get('sys') },
      created_at: run.createdAt,
    },
  });
  let index = 0;
  for (const node of app.nodes) {
    if (run.abort.signal.aborted) break;
    const execution = randomUUID();
    const nodeStarted = performance.now();
    const createdAt = seconds();
    const base = {
      id: execution,
      node_id: node.id,
      node_type: node.type,
      title: node.title,
      index: ++index,
      predecessor_node_id: null,
    };
    emit('node_started', { data: { ...base, inputs: null, created_at: createdAt, extras: {} } });
    let outputs: Record<string, unknown> = {};
    let tokens = 0;
    let error: string | null = null;
    if (node.type === 'start') outputs = { ...run.inputs };
    else if (node.type === 'end') {
      for (const o of node.outputs) {
        const [source, ...path] = o.selector;
        let value: unknown = pool.get(source as string);
        for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
        outputs[o.variable] = value ?? null;
      }
    } else if (node.type === 'answer') {
      outputs = { answer: renderTemplate(node.answer, pool) };
    } else {
      try {
        // LLM text streams delta by delta only where an End output (workflow) or an Answer
        // (chatflow) is waiting for exactly this node's text.
        const result = await callLlm(
          node,
          pool,
          llm,
          run.abort.signal,
          (text) => answers.delta(node.id, text),
          output,
        );
        tokens = result.promptTokens + result.completionTokens;
        run.completionTokens += result.completionTokens;
        outputs = {
          text: result.text,
          usage: {
            prompt_tokens: result.promptTokens,
            completion_tokens: result.completionTokens,
            total_tokens: tokens,
          },
          finish_reason: 'stop',
        };
      } catch (e) {
        error = run.abort.signal.aborted ? 'stopped by user' : e instanceof LlmError ? e.message : String(e);
      }
    }
    if (error === null) pool.set(node.id, outputs);
    // Dify sends what this node made known before the node's own node_finished.
    if (error === null) answers.flush();
    run.totalSteps++;
    run.totalTokens += tokens;
    const status = error === null ? 'succeeded' : run.abort.signal.aborted ? 'stopped' : 'failed';
    emit('node_finished', {
      data: {
        ...base,
        inputs: node.type === 'start' ? run.inputs : null,
        process_data: {},
        outputs: error === null ? outputs : null,
        status,
        error,
        elapsed_time: (performance.now() - nodeStarted) / 1000,
        execution_metadata:
          node.type === 'llm' ? { total_tokens: tokens, total_price: '0', currency: 'USD' } : null,
        created_at: createdAt,
        finished_at: seconds(),
        files: [],
      },
    });
    if (error !== null) {
      run.error = error;
      run.status = status;
      // Dify: a node failure ends a workflow with workflow_finished{status:"failed", error}, not an error event.
      break;
    }
    if (node.type === 'end') run.outputs = outputs;
  }
  if (chatflow && run.status === 'running' && !run.abort.signal.aborted)
    run.outputs = { answer: answered, files: [] };
  if (run.abort.signal.aborted) run.status = 'stopped';
  else if (run.status === 'running') run.status = 'succeeded';
  finish(run, started);
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

function finish(run: RunRecord, started: number): void {
  run.finishedAt = seconds();
  run.elapsedTime = (performance.now() - started) / 1000;
}

export function callLlm(
  settings: LlmSettings,
  pool: ReadonlyMap<string, Record<string, unknown>>,
  llm: LlmClient,
  signal: AbortSignal,
  onText: (text: string) => void,
  output?: Pick<RunOutput, 'drained'>,
) {
  const messages = settings.promptTemplate
    .map((p) => ({ role: p.role, content: renderTemplate(p.text, pool) }))
    .filter((m) => m.content !== '');
  return llm.complete({
    model: settings.model,
    messages,
    params: settings.completionParams,
    signal,
    onText,
    ...(output?.drained === undefined ? {} : { drained: output.drained }),
  });
}
