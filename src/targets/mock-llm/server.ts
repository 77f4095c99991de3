/**
 * `streamload serve llm`: an OpenAI-compatible mock LLM with tunable latency and faults. Cheap on
 * purpose (one shared ticker for every stream) so it can hold thousands of streams on one core.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken } from '../../util/bearer.ts';
import { sendJson, startEventStream } from '../../util/http-server.ts';
import { createRandom } from '../../util/random.ts';
import { createRouter, type RouteCall } from '../shared/router.ts';
import { serveTarget } from '../shared/target-server.ts';
import { createCapacityModel } from './capacity.ts';
import { createCompletionStream, type StreamCounters, tokenText, usageObject } from './completion-stream.ts';
import { overLimit } from './limits.ts';
import {
  behaviourFor,
  DEFAULT_BEHAVIOUR,
  DEFAULT_MODELS,
  faultAfterTokens,
  forcedFault,
  MOCK_FAULTS,
  type MockBehaviour,
  type MockFault,
  type MockLlmOptions,
} from './options.ts';
import { createTicker } from './ticker.ts';

const BODY_LIMIT = 1024 * 1024;

export interface MockLlmStats {
  requests: number;
  streams: number;
  chunks: number;
  completed: number;
  active: number;
  /** Chat completions being generated now (the capacity model's batch). */
  batch: number;
  /** Requests refused because the batch was full (`maxQueue`). */
  overloaded: number;
  faults: Record<MockFault, number>;
}

export interface MockLlm {
  readonly url: string;
  readonly port: number;
  stats(): MockLlmStats;
  close(): Promise<void>;
}

function openAiError(
  res: ServerResponse,
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message, type, param, code } }, headers);
}

export async function startMockLlm(options: MockLlmOptions = {}): Promise<MockLlm> {
  const base: MockBehaviour = { ...DEFAULT_BEHAVIOUR, ...withoutUndefined(options) };
  const random = createRandom(options.seed ?? 1);
  const listed = options.models ?? DEFAULT_MODELS;
  const serves = (model: string) => options.models === undefined || options.models.includes(model);
  const ticker = createTicker();
  const counters: StreamCounters = { chunks: 0, completed: 0 };
  const capacity = createCapacityModel(options);
  const stats = {
    requests: 0,
    streams: 0,
    overloaded: 0,
    faults: Object.fromEntries(MOCK_FAULTS.map((f) => [f, 0])) as Record<MockFault, number>,
  };
  let sequence = 0;

  function drawFault(req: IncomingMessage): MockFault | undefined {
    const forced = forcedFault(req.headers);
    if (forced !== undefined) return forced;
    for (const fault of MOCK_FAULTS) {
      const rate = options.faultRates?.[fault] ?? 0;
      if (rate > 0 && random.next() < rate) return fault;
    }
    return undefined;
  }

  /** Faults that replace the response; returns true when one was applied. */
  function applyUpfrontFault(fault: MockFault | undefined, res: ServerResponse): boolean {
    if (fault === 'http_500') {
      openAiError(res, 500, 'The server had an error while processing your request.', 'server_error', null);
    } else if (fault === 'rate_limit') {
      openAiError(res, 429, 'Rate limit reached for requests.', 'requests', 'rate_limit_exceeded', null, {
        'retry-after': String(options.retryAfterS ?? 1),
      });
    } else if (fault === 'stall') {
      // The socket stays open and silent until the client gives up (or the server closes).
      res.socket?.setTimeout(0);
    } else return false;
    stats.faults[fault]++;
    return true;
  }

  async function chatCompletions(
    req: IncomingMessage,
    res: ServerResponse,
    body: Record<string, unknown>,
  ): Promise<void> {
    const model = body.model;
    if (typeof model !== 'string')
      return openAiError(
        res,
        400,
        "Missing required parameter: 'model'.",
        'invalid_request_error',
        'missing_required_parameter',
        'model',
      );
    if (!Array.isArray(body.messages))
      return openAiError(
        res,
        400,
        "Missing required parameter: 'messages'.",
        'invalid_request_error',
        'missing_required_parameter',
        'messages',
      );
    if (!serves(model))
      return openAiError(
        res,
        404,
        `The model \`${model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found',
      );
    const stream = body.stream === true;
    const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
    if (streamOptions !== undefined && !stream)
      return openAiError(
        res,
        400,
        "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        'invalid_request_error',
        null,
        'stream_options',
      );
    const fault = drawFault(req);
    if (applyUpfrontFault(fault, res)) return;
    if (!capacity.admit()) {
      stats.overloaded++;
      const status = options.overloadStatus ?? 429;
      return openAiError(
        res,
        status,
        'Model is overloaded, please try again later.',
        status === 429 ? 'requests' : 'server_error',
        'overloaded',
        null,
        status === 429 ? { 'retry-after': String(options.retryAfterS ?? 1) } : {},
      );
    }
    // 'close' fires however the response ends (completed, reset, client gone).
    res.once('close', () => capacity.release());
    const behaviour = behaviourFor(base, req.headers);
    const cap =
      typeof body.max_tokens === 'number'
        ? body.max_tokens
        : typeof body.max_completion_tokens === 'number'
          ? body.max_completion_tokens
          : Number.POSITIVE_INFINITY;
    const completionTokens = Math.min(cap, random.int(behaviour.tokens[0], behaviour.tokens[1]));
    const promptTokens = Math.max(1, Math.round(JSON.stringify(body.messages).length / 4));
    const id = `chatcmpl-${(++sequence).toString(36)}`;
    const created = Math.floor(Date.now() / 1000);
    if (!stream) {
      const ms =
        (behaviour.firstTokenMs + behaviour.interTokenMs * Math.max(0, completionTokens - 1)) *
        capacity.slowdown();
      setTimeout(() => {
        let content = '';
        for (let i = 0; i < completionTokens; i++) content += tokenText(random);
        sendJson(res, 200, {
          id,
          object: 'chat.completion',
          created,
          model,
          system_fingerprint: 'fp_streamload',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content, refusal: null },
              logprobs: null,
              finish_reason: 'stop',
            },
          ],
          usage: usageObject(promptTokens, completionTokens),
        });
      }, ms);
      return;
    }
    if (fault === 'reset' || fault === 'stream_error') stats.faults[fault]++;
    stats.streams++;
    startEventStream(res);
    const afterTokens = faultAfterTokens(req.headers) ?? Math.floor(completionTokens / 2);
    ticker.add(
      createCompletionStream(
        res,
        {
          id,
          model,
          created,
          promptTokens,
          completionTokens,
          includeUsage: streamOptions?.include_usage === true,
          ...(fault === 'reset' || fault === 'stream_error' ? { fault: { kind: fault, afterTokens } } : {}),
        },
        behaviour,
        random,
        counters,
        capacity.slowdown,
      ),
    );
  }

  function completions(res: ServerResponse, body: Record<string, unknown>) {
    if (typeof body.model !== 'string' || body.prompt === undefined)
      return openAiError(
        res,
        400,
        "Missing required parameter: 'model' or 'prompt'.",
        'invalid_request_error',
        'missing_required_parameter',
      );
    const tokens = typeof body.max_tokens === 'number' ? body.max_tokens : 16;
    let text = '';
    for (let i = 0; i < tokens; i++) text += tokenText(random);
    sendJson(res, 200, {
      id: `cmpl-${(++sequence).toString(36)}`,
      object: 'text_completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: [{ text, index: 0, logprobs: null, finish_reason: 'length' }],
      usage: usageObject(Math.max(1, Math.round(JSON.stringify(body.prompt).length / 4)), tokens),
    });
  }

  function embeddings(res: ServerResponse, body: Record<string, unknown>) {
    const input = body.input;
    const inputs = Array.isArray(input) ? input : [input];
    if (typeof body.model !== 'string' || input === undefined || inputs.length === 0)
      return openAiError(
        res,
        400,
        "Missing required parameter: 'input' or 'model'.",
        'invalid_request_error',
        'missing_required_parameter',
      );
    const dimensions =
      typeof body.dimensions === 'number' ? body.dimensions : body.model.endsWith('large') ? 3072 : 1536;
    const data = inputs.map((_, index) => ({
      object: 'embedding',
      index,
      embedding: Array.from({ length: dimensions }, () => Math.round((random.next() * 2 - 1) * 1e4) / 1e4),
    }));
    const promptTokens = Math.max(1, Math.round(JSON.stringify(input).length / 4));
    sendJson(res, 200, {
      object: 'list',
      data,
      model: body.model,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  }

  function model(res: ServerResponse, id: string) {
    if (!serves(id))
      return openAiError(
        res,
        404,
        `The model \`${id}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        'model_not_found',
      );
    sendJson(res, 200, { id, object: 'model', created: 1700000000, owned_by: 'streamload' });
  }

  /** Checks the key and a request's size limits, then runs `route` on its body. */
  const limited =
    (route: (call: RouteCall<unknown>) => void | Promise<void>) => (call: RouteCall<unknown>) => {
      const over = overLimit(call.path, call.req.headers, call.body);
      if (over !== undefined) return openAiError(call.res, 400, over, 'invalid_request_error', 'over_limit');
      return route(call);
    };

  const api = createRouter({
    bodyLimit: BODY_LIMIT,
    // The key is checked before routing: an unknown URL without the key is a 401, as at OpenAI.
    guard: (req, res) => {
      if (options.apiKey === undefined || bearerToken(req) === options.apiKey) return true;
      openAiError(res, 401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
      return undefined;
    },
    notFound: (req, res, path) =>
      openAiError(
        res,
        404,
        `Unknown request URL: ${req.method} ${path}.`,
        'invalid_request_error',
        'unknown_url',
      ),
    methodNotAllowed: (req, res, path, allowed) =>
      openAiError(
        res,
        405,
        `Method ${req.method} not allowed for ${path}.`,
        'invalid_request_error',
        'method_not_allowed',
        null,
        { allow: allowed.join(', ') },
      ),
    bodyTooLarge: (res) =>
      openAiError(res, 413, 'Request body too large.', 'invalid_request_error', 'request_too_large'),
    badJson: (res) =>
      openAiError(
        res,
        400,
        'We could not parse the JSON body of your request.',
        'invalid_request_error',
        null,
      ),
  })
    // Health and counters answer without the key (probes and tests read them).
    .route('GET', '/health', ({ res }) => sendJson(res, 200, { status: 'healthy' }), { open: true })
    .route('GET', '/_mock/stats', ({ res }) => sendJson(res, 200, snapshotStats()), { open: true })
    .route('GET', '/v1/models', ({ res }) =>
      sendJson(res, 200, {
        object: 'list',
        data: listed.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'streamload' })),
      }),
    )
    .route('GET', '/v1/models/:id', ({ res, params }) => model(res, params.id as string))
    .route(
      'POST',
      '/v1/chat/completions',
      limited(({ req, res, body }) => chatCompletions(req, res, body)),
      { json: true },
    )
    .route(
      'POST',
      '/v1/completions',
      limited(({ res, body }) => completions(res, body)),
      { json: true },
    )
    .route(
      'POST',
      '/v1/embeddings',
      limited(({ res, body }) => embeddings(res, body)),
      { json: true },
    );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    return api.handle(req, res);
  }

  function snapshotStats(): MockLlmStats {
    return {
      requests: stats.requests,
      streams: stats.streams,
      chunks: counters.chunks,
      completed: counters.completed,
      active: ticker.size,
      batch: capacity.batch,
      overloaded: stats.overloaded,
      faults: { ...stats.faults },
    };
  }

  const target = await serveTarget(
    handle,
    (res, error) => openAiError(res, 500, `mock failure: ${String(error)}`, 'server_error', null),
    { port: options.port ?? 5004, host: options.host ?? '127.0.0.1' },
  );
  return {
    url: target.url,
    port: target.port,
    stats: snapshotStats,
    close: () => {
      ticker.close();
      return target.close();
    },
  };
}

function withoutUndefined(options: MockLlmOptions): Partial<MockBehaviour> {
  const out: Partial<Record<keyof MockBehaviour, unknown>> = {};
  for (const key of ['firstTokenMs', 'interTokenMs', 'jitterMs', 'tokens'] as const) {
    if (options[key] !== undefined) out[key] = options[key];
  }
  return out as Partial<MockBehaviour>;
}
