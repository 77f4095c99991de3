/**
 * `streamload serve workflow`: a Dify Service API subset that really runs its apps' graphs and
 * streams LLM output from the (mock) LLM over HTTP. Error bodies follow Dify's `{code, message, status}`.
 * This file wires the parts: the key → app lookup, the routes, the run store and the SSE sinks.
 */
import { bearerToken } from '../../util/bearer.ts';
import { sendJson } from '../../util/http-server.ts';
import { createRouter, type RouterOptions } from '../shared/router.ts';
import { serveTarget } from '../shared/target-server.ts';
import type { App } from './app.ts';
import type { AppContext, Served, WorkflowServerStats } from './app-context.ts';
import { createChatRoutes } from './chat-routes.ts';
import { type ConsoleApi, type ConsoleOptions, createConsoleApi } from './console.ts';
import { createLlmClient } from './llm-client.ts';
import { type CodeLimits, createCodeRunner, DEFAULT_CODE_LIMITS } from './nodes/code-runner.ts';
import { DEFAULT_HTTP_POLICY } from './nodes/http-request.ts';
import type { HttpPolicy, NodeServices } from './nodes/types.ts';
import { difyError, difyRefusals, parametersOf, sendRestx, setDifyHeaders } from './responses.ts';
import { createRunStore } from './run-store.ts';
import { newRun } from './runner.ts';
import { PING_INTERVAL_MS } from './serve-options.ts';
import { createSseSink } from './sse-sink.ts';
import { createWorkflowRoutes } from './workflow-routes.ts';

export type { WorkflowServerStats } from './app-context.ts';

const BODY_LIMIT = 1024 * 1024;
const MAX_RECORDS = 10_000;

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
  /** Code nodes' limits (time, memory, output, workers). */
  readonly code?: CodeLimits;
  /** Which HTTP Request nodes really send (loopback, allowed hosts) and the mock answer of the rest. */
  readonly http?: HttpPolicy;
  /** The mock knowledge retrieval's latency in ms (default 0). */
  readonly retrievalMs?: number;
}

export interface WorkflowServer {
  readonly url: string;
  readonly port: number;
  stats(): WorkflowServerStats;
  close(): Promise<void>;
}

const DIFY_REFUSALS = difyRefusals(BODY_LIMIT);

export async function startWorkflowServer(options: WorkflowServerOptions): Promise<WorkflowServer> {
  const llm = createLlmClient(options.llmUrl, options.llmApiKey);
  const code = createCodeRunner(options.code ?? DEFAULT_CODE_LIMITS);
  const services: NodeServices = {
    llm,
    code,
    http: options.http ?? DEFAULT_HTTP_POLICY,
    retrievalMs: options.retrievalMs ?? 0,
  };
  const consoleApi: ConsoleApi | undefined =
    options.console === undefined ? undefined : createConsoleApi(options.console);
  const stats: WorkflowServerStats = { requests: 0, runs: 0, streams: 0, events: 0, failed: 0 };
  const pingIntervalMs = options.pingIntervalMs ?? PING_INTERVAL_MS;
  const runs = createRunStore(MAX_RECORDS);
  const ctx: AppContext = {
    stats,
    runs,
    beginRun(res, app, user, inputs) {
      const run = newRun(app, user, inputs);
      runs.remember(run);
      stats.runs++;
      res.on('close', () => {
        if (run.status === 'running') run.abort.abort();
      });
      return run;
    },
    openStream: (res, envelope) => createSseSink(res, envelope, { pingIntervalMs, counters: stats }),
  };
  const workflow = createWorkflowRoutes(ctx);
  const chat = createChatRoutes(ctx);

  /** The Service API key of a request → its app and LLM, or undefined after answering 401/400. */
  const authorize: RouterOptions<Served>['guard'] = (req, res) => {
    const token = bearerToken(req);
    if (token === undefined) {
      difyError(res, 401, 'unauthorized', "Authorization header must be provided and start with 'Bearer'");
      return undefined;
    }
    const builtin = options.apps[token];
    const made = builtin === undefined ? consoleApi?.appForKey(token) : undefined;
    if (builtin !== undefined) return { app: builtin, services };
    if (made === undefined) {
      difyError(res, 401, 'unauthorized', 'Access token is invalid');
      return undefined;
    }
    // Dify: an app whose workflow was never published cannot be run (imports through the console start unpublished).
    if (!made.published) {
      difyError(res, 400, 'app_unavailable', 'App unavailable, please check your app configurations.');
      return undefined;
    }
    return { app: made.app, services: made.llm === undefined ? services : { ...services, llm: made.llm } };
  };

  const serviceApi = createRouter<Served>({ ...DIFY_REFUSALS, guard: authorize })
    .route('GET', '/v1/parameters', ({ res, context }) => sendRestx(res, 200, parametersOf(context.app)))
    .route('GET', '/v1/info', ({ res, context: { app } }) =>
      sendRestx(res, 200, {
        name: app.name,
        description: app.description,
        tags: [],
        mode: app.mode,
        author_name: 'streamload',
      }),
    )
    .route('GET', '/v1/workflows/run/:id', workflow.detail)
    .route('POST', '/v1/workflows/run', workflow.run, { json: true })
    .route('POST', '/v1/workflows/tasks/:id/stop', workflow.stop, { json: true })
    .route('POST', '/v1/chat-messages', chat.message, { json: true })
    .route('POST', '/v1/chat-messages/:id/stop', workflow.stop, { json: true })
    .route('POST', '/v1/completion-messages', chat.completionMessage, { json: true })
    .route('POST', '/v1/completion-messages/:id/stop', workflow.stop, { json: true });

  const root = createRouter<undefined>(DIFY_REFUSALS)
    .route('GET', '/health', ({ res }) => sendJson(res, 200, { status: 'healthy' }))
    .route('GET', '/_mock/stats', ({ res }) => sendJson(res, 200, stats))
    // The Service API checks its key before routing: an unknown /v1 URL without one is a 401.
    .route('*', '/v1/*', ({ req, res }) => serviceApi.handle(req, res));
  if (consoleApi !== undefined)
    root.route('*', '/console/api/*', ({ req, res }) => consoleApi.handle(req, res));

  const target = await serveTarget(
    (req, res) => {
      stats.requests++;
      setDifyHeaders(req, res);
      return root.handle(req, res);
    },
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
      await code.close();
      await consoleApi?.close();
    },
  };
}
