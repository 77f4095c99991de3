/**
 * `/v1/chat-messages` for the two chat-family app kinds: a chat app answers from one LLM call as
 * `message` events; a chatflow runs its graph and answers through its Answer nodes.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { RouteCall } from '../shared/router.ts';
import { type ChatApp, type ChatflowApp, startVariables } from './app.ts';
import type { AppContext, Served } from './app-context.ts';
import { validateInputs } from './inputs.ts';
import type { LlmClient } from './llm-client.ts';
import { difyError, sendBlocking } from './responses.ts';
import { callLlm, NO_OUTPUT, runWorkflow } from './runner.ts';
import { wrongRoute } from './workflow-routes.ts';

export function createChatRoutes(ctx: AppContext) {
  const { stats } = ctx;
  const streamSink = ctx.openStream;

  /** The fields every /v1/chat-messages request needs, or undefined after answering 400. */
  function chatRequest(res: ServerResponse, body: Record<string, unknown>) {
    if (typeof body.query !== 'string' || body.query === '')
      return difyError(res, 400, 'invalid_param', 'query is required');
    if (typeof body.user !== 'string' || body.user === '')
      return difyError(res, 400, 'invalid_param', 'Arg user must be provided.');
    const mode = body.response_mode ?? 'blocking';
    if (mode !== 'streaming' && mode !== 'blocking')
      return difyError(res, 400, 'invalid_param', 'response_mode must be streaming or blocking');
    return {
      query: body.query,
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
    llmClient: LlmClient,
  ): Promise<void> {
    const turn = chatRequest(res, body);
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
    await runWorkflow(app, run, llmClient, output, {
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

  async function chatMessage(
    res: ServerResponse,
    app: ChatApp,
    body: Record<string, unknown>,
    llmClient: LlmClient,
  ): Promise<void> {
    const turn = chatRequest(res, body);
    if (turn === undefined) return;
    const { conversationId, messageId, createdAt } = turn;
    const mode = turn.streaming ? 'streaming' : 'blocking';
    const taskId = randomUUID();
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    stats.runs++;
    const settings = {
      ...app.llm,
      promptTemplate: [...app.llm.promptTemplate, { role: 'user', text: '{{#sys.query#}}' }],
    };
    const pool = new Map([['sys', { 'sys.query': body.query, 'sys.user_id': body.user }]]);
    const sink =
      mode === 'streaming'
        ? streamSink(res, {
            conversation_id: conversationId,
            message_id: messageId,
            created_at: createdAt,
            task_id: taskId,
            id: messageId,
          })
        : undefined;
    try {
      const result = await callLlm(
        settings,
        pool,
        llmClient,
        abort.signal,
        (answer) => sink?.emit('message', { answer, from_variable_selector: null }),
        sink,
      );
      const usage = usageOf(result.promptTokens, result.completionTokens);
      if (sink === undefined) {
        return sendBlocking(res, {
          event: 'message',
          task_id: taskId,
          id: messageId,
          message_id: messageId,
          conversation_id: conversationId,
          mode: 'chat',
          answer: result.text,
          metadata: { usage, retriever_resources: [] },
          created_at: createdAt,
        });
      }
      sink.emit('message_end', { metadata: { usage, retriever_resources: [] }, files: null });
    } catch (error) {
      stats.failed++;
      if (sink === undefined)
        return difyError(res, 400, 'completion_request_error', String((error as Error).message));
      sink.emit('error', {
        code: 'completion_request_error',
        status: 400,
        message: String((error as Error).message),
      });
    }
    sink?.end();
  }

  /** `POST /v1/chat-messages`: a chat app or a chatflow; a workflow app's key is refused. */
  function message({ res, body, context }: RouteCall<Served>): void | Promise<void> {
    const { app, llm } = context;
    if (app.mode === 'workflow') return wrongRoute(res, 'not_chat_app');
    return app.mode === 'chat' ? chatMessage(res, app, body, llm) : chatflowMessage(res, app, body, llm);
  }

  return { message };
}
