/**
 * `/v1/chat-messages` and `/v1/completion-messages`: a chat or agent-chat app answers from one
 * LLM call (`message`, or `agent_message` between `agent_thought` events), a completion app the
 * same on its own route, and a chatflow runs its graph and answers through its Answer nodes.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { RouteCall } from '../shared/router.ts';
import { type ChatflowApp, type ModelApp, startVariables } from './app.ts';
import type { AppContext, Served } from './app-context.ts';
import { validateInputs } from './inputs.ts';
import { LlmError } from './llm-client.ts';
import type { NodeServices } from './nodes/types.ts';
import { difyError, sendBlocking } from './responses.ts';
import { NO_OUTPUT, runWorkflow } from './runner.ts';
import { VariablePool } from './variable-pool.ts';
import { wrongRoute } from './workflow-routes.ts';

export function createChatRoutes(ctx: AppContext) {
  const { stats } = ctx;
  const streamSink = ctx.openStream;

  /** The fields every message request needs, or undefined after answering 400. */
  function messageRequest(res: ServerResponse, body: Record<string, unknown>, needsQuery: boolean) {
    if (needsQuery && (typeof body.query !== 'string' || body.query === ''))
      return difyError(res, 400, 'invalid_param', 'query is required');
    if (typeof body.user !== 'string' || body.user === '')
      return difyError(res, 400, 'invalid_param', 'Arg user must be provided.');
    const mode = body.response_mode ?? 'blocking';
    if (mode !== 'streaming' && mode !== 'blocking')
      return difyError(res, 400, 'invalid_param', 'response_mode must be streaming or blocking');
    return {
      query: typeof body.query === 'string' ? body.query : '',
      user: body.user,
      streaming: mode === 'streaming',
      conversationId:
        typeof body.conversation_id === 'string' && body.conversation_id !== ''
          ? body.conversation_id
          : randomUUID(),
      messageId: randomUUID(),
      createdAt: Math.floor(Date.now() / 1000),
    };
  }

  /** `metadata.usage` with the fields Dify 1.13 sends (prices as decimal strings). */
  function usageOf(promptTokens: number, completionTokens: number) {
    return {
      prompt_tokens: promptTokens,
      prompt_unit_price: '0.0',
      prompt_price_unit: '0.0',
      prompt_price: '0.0',
      completion_tokens: completionTokens,
      completion_unit_price: '0.0',
      completion_price_unit: '0.0',
      completion_price: '0.0',
      total_tokens: promptTokens + completionTokens,
      total_price: '0.0',
      currency: 'USD',
      latency: 0.0,
      time_to_first_token: 0.0,
      time_to_generate: 0.0,
    };
  }

  /** A chatflow message: the graph runs as a workflow; Answer nodes stream `message` events. */
  async function chatflowMessage(
    res: ServerResponse,
    app: ChatflowApp,
    body: Record<string, unknown>,
    services: NodeServices,
  ): Promise<void> {
    const turn = messageRequest(res, body, true);
    if (turn === undefined) return;
    const validated = validateInputs(startVariables(app), body.inputs ?? {});
    if (!validated.ok) return difyError(res, 400, 'invalid_param', validated.message);
    const run = ctx.beginRun(res, app, turn.user, validated.inputs);
    const envelope = {
      conversation_id: turn.conversationId,
      message_id: turn.messageId,
      created_at: turn.createdAt,
      task_id: run.taskId,
      workflow_run_id: run.id,
    };
    const sink = turn.streaming ? streamSink(res, envelope) : undefined;
    // Dify 1.13: message and message_end carry no workflow_run_id at the top level.
    const output =
      sink === undefined
        ? NO_OUTPUT
        : {
            emit: (event: string, fields: Record<string, unknown>) =>
              sink.emit(event, event === 'message' ? { ...fields, workflow_run_id: undefined } : fields),
            drained: () => sink.drained(),
          };
    const usage = () => usageOf(run.totalTokens - run.completionTokens, run.completionTokens);
    await runWorkflow(app, run, services, output, {
      ...turn,
      // A chatflow that answered: message_end, then workflow_finished with the verdict.
      beforeWorkflowFinished: () => {
        if (run.status === 'succeeded')
          sink?.emit('message_end', {
            id: turn.messageId,
            workflow_run_id: undefined,
            metadata: { annotation_reply: null, retriever_resources: [], usage: usage() },
            files: [],
          });
      },
    });
    const failed = run.status !== 'succeeded';
    if (failed) stats.failed++;
    // Dify: a failed chatflow sends workflow_finished{failed} and then an error event (blocking: an HTTP error).
    if (sink === undefined) {
      if (failed) return difyError(res, 400, 'invalid_param', `Run failed: ${run.error ?? run.status}`);
      return sendBlocking(res, {
        event: 'message',
        ...envelope,
        id: turn.messageId,
        mode: 'advanced-chat',
        answer: (run.outputs as { answer?: string } | null)?.answer ?? '',
        metadata: { usage: usage(), retriever_resources: [] },
      });
    }
    if (failed)
      sink.emit('error', {
        code: 'invalid_param',
        status: 400,
        message: `Run failed: ${run.error ?? run.status}`,
      });
    sink.end();
  }

  /**
   * A chat, agent-chat or completion app: its prompt with the request's inputs and query, one
   * LLM call. Agent apps frame their answer with `agent_thought` events (no tools are called).
   */
  async function modelMessage(
    res: ServerResponse,
    app: ModelApp,
    body: Record<string, unknown>,
    services: NodeServices,
  ): Promise<void> {
    const completion = app.mode === 'completion';
    const turn = messageRequest(res, body, !completion);
    if (turn === undefined) return;
    const validated = validateInputs(app.inputs, body.inputs ?? {});
    if (!validated.ok) return difyError(res, 400, 'invalid_param', validated.message);
    const { conversationId, messageId, createdAt } = turn;
    const taskId = randomUUID();
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    stats.runs++;
    const pool = new VariablePool();
    pool.setNode('sys', { query: turn.query, user_id: turn.user });
    pool.setNode('inputs', validated.inputs);
    const envelope = completion
      ? { message_id: messageId, created_at: createdAt, task_id: taskId, id: messageId }
      : {
          conversation_id: conversationId,
          message_id: messageId,
          created_at: createdAt,
          task_id: taskId,
          id: messageId,
        };
    const sink = turn.streaming ? streamSink(res, envelope) : undefined;
    const agent = app.mode === 'agent-chat';
    const thought = (position: number, text: string) =>
      sink?.emit('agent_thought', {
        position,
        thought: text,
        observation: '',
        tool: '',
        tool_labels: {},
        tool_input: '',
        message_files: [],
      });
    try {
      if (agent) thought(1, '');
      const messages = app.llm.promptTemplate
        .map((p) => ({ role: p.role, content: pool.render(p.text) }))
        .filter((m) => m.content !== '');
      const result = await services.llm.complete({
        model: app.llm.model,
        messages: messages.length > 0 ? messages : [{ role: 'user', content: ' ' }],
        params: app.llm.completionParams,
        signal: abort.signal,
        onText: (answer) =>
          sink?.emit(agent ? 'agent_message' : 'message', {
            answer,
            ...(agent || completion ? {} : { from_variable_selector: null }),
          }),
        drained: () => sink?.drained(),
      });
      if (agent) thought(1, result.text);
      const usage = usageOf(result.promptTokens, result.completionTokens);
      if (sink === undefined) {
        return sendBlocking(res, {
          event: 'message',
          ...envelope,
          mode: app.mode,
          answer: result.text,
          metadata: { usage, retriever_resources: [] },
        });
      }
      sink.emit('message_end', { metadata: { usage, retriever_resources: [] }, files: null });
    } catch (error) {
      stats.failed++;
      const message = error instanceof LlmError ? error.message : String((error as Error).message);
      if (sink === undefined) return difyError(res, 400, 'completion_request_error', message);
      sink.emit('error', { code: 'completion_request_error', status: 400, message });
    }
    sink?.end();
  }

  /** `POST /v1/chat-messages`: chat, agent-chat or chatflow; workflow and completion keys are refused. */
  function message({ res, body, context }: RouteCall<Served>): void | Promise<void> {
    const { app, services } = context;
    if (app.mode === 'workflow' || app.mode === 'completion') return wrongRoute(res, 'not_chat_app');
    return app.mode === 'advanced-chat'
      ? chatflowMessage(res, app, body, services)
      : modelMessage(res, app, body, services);
  }

  /** `POST /v1/completion-messages`: completion apps only. */
  function completionMessage({ res, body, context }: RouteCall<Served>): void | Promise<void> {
    const { app, services } = context;
    if (app.mode !== 'completion') return wrongRoute(res, 'not_completion_app');
    return modelMessage(res, app, body, services);
  }

  return { message, completionMessage };
}
