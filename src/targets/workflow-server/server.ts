/**
 * `streamload serve workflow`: a Dify Service API subset that really runs its apps' graphs and
 * streams LLM output from the (mock) LLM over HTTP. Error bodies follow Dify's `{code, message, status}`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeSseEvent } from '../../sse/encoder.ts';
import {
  BodyTooLargeError,
  bearerToken,
  parseJsonObject,
  readBody,
  sendJson,
  startEventStream,
} from '../../util/http-server.ts';
import { serveTarget } from '../shared/target-server.ts';
import { type App, startVariables, type WorkflowApp } from './app.ts';
import { createChatRoutes } from './chat-routes.ts';
import { type ConsoleApi, type ConsoleOptions, createConsoleApi } from './console.ts';
import { validateInputs } from './inputs.ts';
import { createLlmClient, type LlmClient } from './llm-client.ts';
import { difyError, parametersOf } from './responses.ts';
import { type EventSink, newRun, type RunRecord, runWorkflow } from './runner.ts';

const BODY_LIMIT = 1024 * 1024;
const MAX_RECORDS = 10_000;
const PING_INTERVAL_MS = 10_000;

export interface WorkflowServerOptions {
  readonly port?: number;
  readonly host?: string;
  /** Base URL of the OpenAI-compatible LLM the LLM nodes call. */
  readonly llmUrl: string;
  readonly llmApiKey?: string;
  /** Apps by API key (built-ins plus `--app` files). */
  readonly apps: Readonly<Record<string, App>>;
  /** How often an idle stream gets `event: ping` (Dify: every 10 s). */
  readonly pingIntervalMs?: number;
  /** Serve the console API subset under /console/api (`--console-password`); off when unset. */
  readonly console?: ConsoleOptions;
}

export interface WorkflowServerStats {
  requests: number;
  runs: number;
  streams: number;
  events: number;
  failed: number;
}

export interface WorkflowServer {
  readonly url: string;
  readonly port: number;
  stats(): WorkflowServerStats;
  close(): Promise<void>;
}

export async function startWorkflowServer(options: WorkflowServerOptions): Promise<WorkflowServer> {
  const llm = createLlmClient(options.llmUrl, options.llmApiKey);
  /** The app behind a Service API key, the LLM its nodes call, and whether it may run. */
  function serving(token: string): { app: App; llm: LlmClient; published: boolean } | undefined {
    const builtin = options.apps[token];
    if (builtin !== undefined) return { app: builtin, llm, published: true };
    const made = consoleApi?.appForKey(token);
    return made === undefined ? undefined : { ...made, llm: made.llm ?? llm };
  }
  const consoleApi: ConsoleApi | undefined =
    options.console === undefined ? undefined : createConsoleApi(options.console);
  const runs = new Map<string, RunRecord>();
  const tasks = new Map<string, RunRecord>();
  const stats: WorkflowServerStats = { requests: 0, runs: 0, streams: 0, events: 0, failed: 0 };
  const pingIntervalMs = options.pingIntervalMs ?? PING_INTERVAL_MS;

  function remember(run: RunRecord): void {
    runs.set(run.id, run);
    tasks.set(run.taskId, run);
    if (runs.size > MAX_RECORDS) {
      const oldest = runs.values().next().value as RunRecord;
      runs.delete(oldest.id);
      tasks.delete(oldest.taskId);
    }
  }

  /** A sink that writes each event as one SSE block, with pings while the run is idle. */
  function streamSink(
    res: ServerResponse,
    envelope: Record<string, unknown>,
  ): { emit: EventSink; end(): void } {
    startEventStream(res);
    stats.streams++;
    // Dify's ping is an event line with no data line, which encodeSseEvent cannot express.
    const ping = setInterval(() => res.write('event: ping\n\n'), pingIntervalMs);
    return {
      emit(event, fields) {
        stats.events++;
        res.write(encodeSseEvent({ data: JSON.stringify({ event, ...envelope, ...fields }) }));
      },
      end() {
        clearInterval(ping);
        res.end();
      },
    };
  }

  const { chatMessage, chatflowMessage } = createChatRoutes({ stats, remember, streamSink });

  async function workflowRun(
    res: ServerResponse,
    app: WorkflowApp,
    body: Record<string, unknown>,
    llmClient: LlmClient,
  ): Promise<void> {
    const mode = body.response_mode ?? 'blocking';
    if (mode !== 'streaming' && mode !== 'blocking')
      return difyError(res, 400, 'invalid_param', 'response_mode must be streaming or blocking');
    if (typeof body.user !== 'string' || body.user === '')
      return difyError(res, 400, 'invalid_param', 'Arg user must be provided.');
    const validated = validateInputs(startVariables(app), body.inputs);
    if (!validated.ok) return difyError(res, 400, 'invalid_param', validated.message);
    const run = newRun(app, body.user, validated.inputs);
    remember(run);
    stats.runs++;
    res.on('close', () => {
      if (run.status === 'running') run.abort.abort();
    });
    if (mode === 'blocking') {
      await runWorkflow(app, run, llmClient, () => {});
      if (run.status === 'failed') stats.failed++;
      return sendJson(res, 200, {
        task_id: run.taskId,
        workflow_run_id: run.id,
        data: runDetail(run, false),
      });
    }
    const sink = streamSink(res, { workflow_run_id: run.id, task_id: run.taskId });
    await runWorkflow(app, run, llmClient, sink.emit);
    if (run.status === 'failed') stats.failed++;
    sink.end();
  }

  function runDetail(run: RunRecord, withInputs: boolean) {
    return {
      id: run.id,
      workflow_id: run.workflowId,
      status: run.status,
      ...(withInputs ? { inputs: run.inputs } : {}),
      outputs: run.outputs,
      error: run.error,
      elapsed_time: run.elapsedTime,
      total_tokens: run.totalTokens,
      total_steps: run.totalSteps,
      created_at: run.createdAt,
      finished_at: run.finishedAt,
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path === '/health') return sendJson(res, 200, { status: 'healthy' });
    if (req.method === 'GET' && path === '/_mock/stats') return sendJson(res, 200, stats);
    if (consoleApi !== undefined && path.startsWith('/console/api/'))
      return consoleApi.handle(req, res, path);
    if (!path.startsWith('/v1/'))
      return difyError(res, 404, 'not_found', 'The requested URL was not found on the server.');
    const token = bearerToken(req);
    if (token === undefined)
      return difyError(
        res,
        401,
        'unauthorized',
        "Authorization header must be provided and start with 'Bearer'",
      );
    const served = serving(token);
    if (served === undefined) return difyError(res, 401, 'unauthorized', 'Access token is invalid');
    const { app, llm: llmClient } = served;
    // Dify: an app whose workflow was never published cannot be run (imports through the console start unpublished).
    if (!served.published)
      return difyError(res, 400, 'app_unavailable', 'App unavailable, please check your app configurations.');
    const runMatch = /^\/v1\/workflows\/run\/([^/]+)$/.exec(path);
    const stopMatch = /^\/v1\/(?:workflows\/tasks|chat-messages)\/([^/]+)\/stop$/.exec(path);
    if (req.method === 'GET') {
      if (path === '/v1/parameters') return sendJson(res, 200, parametersOf(app));
      if (path === '/v1/info')
        return sendJson(res, 200, {
          name: app.name,
          description: app.description,
          tags: [],
          mode: app.mode,
          author_name: 'streamload',
        });
      if (runMatch !== null) {
        if (app.mode === 'chat')
          return difyError(
            res,
            400,
            'not_workflow_app',
            'Please check if your app mode matches the right API route.',
          );
        const run = runs.get(runMatch[1] as string);
        return run === undefined
          ? difyError(res, 404, 'not_found', 'Workflow run not found.')
          : sendJson(res, 200, runDetail(run, true));
      }
      return difyError(res, 404, 'not_found', 'The requested URL was not found on the server.');
    }
    if (req.method !== 'POST')
      return difyError(
        res,
        405,
        'method_not_allowed',
        `The method ${req.method} is not allowed for the requested URL.`,
      );
    const known = path === '/v1/workflows/run' || path === '/v1/chat-messages' || stopMatch !== null;
    if (!known) return difyError(res, 404, 'not_found', 'The requested URL was not found on the server.');
    let text: string;
    try {
      text = await readBody(req, BODY_LIMIT);
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return difyError(res, 413, 'request_entity_too_large', 'Request body too large.');
      throw error;
    }
    const body = parseJsonObject(text);
    if (body === undefined)
      return difyError(res, 400, 'bad_request', 'Invalid JSON payload received or JSON payload is empty.');
    if (stopMatch !== null) {
      const run = tasks.get(stopMatch[1] as string);
      if (run !== undefined && run.status === 'running') run.abort.abort();
      return sendJson(res, 200, { result: 'success' });
    }
    if (path === '/v1/workflows/run') {
      if (app.mode !== 'workflow')
        return difyError(
          res,
          400,
          'not_workflow_app',
          'Please check if your app mode matches the right API route.',
        );
      return workflowRun(res, app, body, llmClient);
    }
    if (app.mode === 'workflow')
      return difyError(
        res,
        400,
        'not_chat_app',
        'Please check if your app mode matches the right API route.',
      );
    return app.mode === 'chat'
      ? chatMessage(res, app, body, llmClient)
      : chatflowMessage(res, app, body, llmClient);
  }

  const target = await serveTarget(
    handle,
    (res, error) => difyError(res, 500, 'internal_server_error', `Internal Server Error: ${String(error)}`),
    { port: options.port ?? 5001, host: options.host ?? '127.0.0.1' },
  );
  return {
    url: target.url,
    port: target.port,
    stats: () => ({ ...stats }),
    close: async () => {
      await target.close();
      await llm.close().catch(() => {});
      await consoleApi?.close();
    },
  };
}
