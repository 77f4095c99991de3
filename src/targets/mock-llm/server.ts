/**
 * `streamload serve llm`: a mock of OpenAI's and Anthropic's APIs with tunable latency, faults and
 * a capacity knee. Each API (chat.ts, embeddings.ts, responses.ts, messages.ts) validates and plans
 * an answer; the key, faults, capacity, delays and counters are applied here, once for all of them.
 * Cheap on purpose (one shared ticker for every stream) so it can hold thousands of streams on one core.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerToken } from '../../util/bearer.ts';
import { sendJson, startEventStream } from '../../util/http-server.ts';
import { createRandom } from '../../util/random.ts';
import { createRouter, pathOf, type RouteCall } from '../shared/router.ts';
import { serveTarget } from '../shared/target-server.ts';
import { type ApiError, type Dialect, RequestRefused, sendApiError } from './api-errors.ts';
import { createCapacityModel } from './capacity.ts';
import { chatCompletions } from './chat.ts';
import { completions } from './completions.ts';
import { embeddings } from './embeddings.ts';
import type { Answer, Endpoint } from './endpoint.ts';
import { overLimit } from './limits.ts';
import { messages } from './messages.ts';
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
import { responses } from './responses.ts';
import { createTicker } from './ticker.ts';
import { createTokenStream, type OutputCounters, type StreamFault, stepDelay } from './token-stream.ts';

const BODY_LIMIT = 1024 * 1024;

export interface MockLlmStats {
  requests: number;
  streams: number;
  chunks: number;
  /** Output tokens sent (streamed or in bodies), every API together. */
  tokens: number;
  /** Output tokens of the answers that completed: what a client that read every answer to its end counted. */
  completedTokens: number;
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

/** Anthropic's SDK sends `anthropic-version` on every call: its unknown URLs get Anthropic's errors too. */
function dialectOf(req: IncomingMessage, path: string): Dialect {
  return path === '/v1/messages' ||
    path.startsWith('/v1/messages/') ||
    req.headers['anthropic-version'] !== undefined
    ? 'anthropic'
    : 'openai';
}

/** The key as either provider sends it: `Authorization: Bearer` (OpenAI) or `x-api-key` (Anthropic). */
function presentedKey(req: IncomingMessage): string | undefined {
  const key = req.headers['x-api-key'];
  return bearerToken(req) ?? (typeof key === 'string' ? key : undefined);
}

export async function startMockLlm(options: MockLlmOptions = {}): Promise<MockLlm> {
  const base: MockBehaviour = { ...DEFAULT_BEHAVIOUR, ...withoutUndefined(options) };
  const random = createRandom(options.seed ?? 1);
  const listed = options.models ?? DEFAULT_MODELS;
  const serves = (model: string) => options.models === undefined || options.models.includes(model);
  const ticker = createTicker();
  const counters: OutputCounters = { chunks: 0, tokens: 0, completedTokens: 0, completed: 0 };
  const capacity = createCapacityModel(options);
  const stats = {
    requests: 0,
    streams: 0,
    overloaded: 0,
    faults: Object.fromEntries(MOCK_FAULTS.map((f) => [f, 0])) as Record<MockFault, number>,
  };
  let sequence = 0;
  const retryAfter = { 'retry-after': String(options.retryAfterS ?? 1) };

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
  function applyUpfrontFault(fault: MockFault | undefined, res: ServerResponse, dialect: Dialect): boolean {
    if (fault === 'http_500') {
      sendApiError(res, dialect, {
        status: 500,
        message: 'The server had an error while processing your request.',
      });
    } else if (fault === 'rate_limit') {
      sendApiError(res, dialect, {
        status: 429,
        message: 'Rate limit reached for requests.',
        code: 'rate_limit_exceeded',
        headers: retryAfter,
      });
    } else if (fault === 'stall') {
      // The socket stays open and silent until the client gives up (or the server closes).
      res.socket?.setTimeout(0);
    } else return false;
    stats.faults[fault]++;
    return true;
  }

  /** The capacity refusal: Anthropic's 529 `overloaded_error`; OpenAI's `--overload-status`. */
  function overloaded(dialect: Dialect): ApiError {
    if (dialect === 'anthropic') return { status: 529, message: 'Overloaded' };
    const status = options.overloadStatus ?? 429;
    return {
      status,
      message: 'Model is overloaded, please try again later.',
      code: 'overloaded',
      ...(status === 429 ? { headers: retryAfter } : {}),
    };
  }

  /**
   * One generating request of any API: plan it (its 400s), then the same model check, faults,
   * capacity, delays and counters for all of them.
   */
  const generating =
    (endpoint: Endpoint) =>
    ({ req, res, body }: RouteCall<unknown>) => {
      const { dialect } = endpoint;
      if (dialect === 'anthropic' && req.headers['anthropic-version'] === undefined)
        return sendApiError(res, dialect, { status: 400, message: 'anthropic-version: header is required' });
      const behaviour = behaviourFor(base, req.headers);
      // Drawn before the answer's own draws: a seed decides which requests fail, whatever they ask.
      const fault = drawFault(req);
      let answer: Answer;
      try {
        answer = endpoint.plan(body, {
          behaviour,
          random,
          id: (prefix) => `${prefix}${(++sequence).toString(36)}`,
          created: Math.floor(Date.now() / 1000),
        });
      } catch (error) {
        if (error instanceof RequestRefused) return sendApiError(res, dialect, error.error);
        throw error;
      }
      if (!serves(answer.model))
        return sendApiError(res, dialect, {
          status: 404,
          message: `The model \`${answer.model}\` does not exist or you do not have access to it.`,
          code: 'model_not_found',
        });
      if (applyUpfrontFault(fault, res, dialect)) return;
      if (!capacity.admit()) {
        stats.overloaded++;
        return sendApiError(res, dialect, overloaded(dialect));
      }
      // 'close' fires however the response ends (completed, reset, client gone).
      res.once('close', () => capacity.release());
      let midway: StreamFault | undefined;
      if (fault === 'reset' || fault === 'stream_error') {
        stats.faults[fault]++;
        midway = { kind: fault, afterSteps: faultAfterTokens(req.headers) ?? Math.floor(answer.steps / 2) };
      }
      if (answer.stream) {
        stats.streams++;
        startEventStream(res);
        ticker.add(
          createTokenStream(res, answer.script(), midway, behaviour, random, counters, capacity.slowdown),
        );
        return;
      }
      const ms = stepDelay(
        behaviour.firstTokenMs + behaviour.interTokenMs * Math.max(0, answer.steps - 1),
        behaviour,
        random,
        capacity.slowdown(),
      );
      const timer = setTimeout(() => {
        if (midway?.kind === 'reset') return res.destroy();
        if (midway !== undefined)
          return sendApiError(res, dialect, { status: 500, message: 'mock error during the generation' });
        sendJson(res, 200, answer.body());
        counters.tokens += answer.outputTokens;
        counters.completedTokens += answer.outputTokens;
        counters.completed++;
      }, ms);
      res.once('close', () => clearTimeout(timer));
    };

  function models(req: IncomingMessage, res: ServerResponse) {
    if (dialectOf(req, '') === 'anthropic') {
      const data = listed.map((id) => ({
        type: 'model',
        id,
        display_name: id,
        created_at: '2023-11-14T22:13:20Z',
      }));
      return sendJson(res, 200, {
        data,
        has_more: false,
        first_id: listed[0] ?? null,
        last_id: listed.at(-1) ?? null,
      });
    }
    sendJson(res, 200, {
      object: 'list',
      data: listed.map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'streamload' })),
    });
  }

  function model(req: IncomingMessage, res: ServerResponse, id: string) {
    const dialect = dialectOf(req, '');
    if (!serves(id))
      return sendApiError(res, dialect, {
        status: 404,
        message: `The model \`${id}\` does not exist or you do not have access to it.`,
        code: 'model_not_found',
      });
    sendJson(
      res,
      200,
      dialect === 'anthropic'
        ? { type: 'model', id, display_name: id, created_at: '2023-11-14T22:13:20Z' }
        : { id, object: 'model', created: 1700000000, owned_by: 'streamload' },
    );
  }

  /** Checks a request's size limits, then runs `route` on its body. */
  const limited =
    (route: (call: RouteCall<unknown>) => void | Promise<void>) => (call: RouteCall<unknown>) => {
      const over = overLimit(call.path, call.req.headers, call.body);
      if (over !== undefined)
        return sendApiError(call.res, dialectOf(call.req, call.path), {
          status: 400,
          message: over,
          code: 'over_limit',
        });
      return route(call);
    };
  const refuseWith = (res: ServerResponse, error: ApiError) =>
    sendApiError(res, res.req === undefined ? 'openai' : dialectOf(res.req, pathOf(res.req)), error);

  const api = createRouter({
    bodyLimit: BODY_LIMIT,
    // The key is checked before routing: an unknown URL without the key is a 401, as at OpenAI.
    guard: (req, res, path) => {
      if (options.apiKey === undefined || presentedKey(req) === options.apiKey) return true;
      const dialect = dialectOf(req, path);
      sendApiError(res, dialect, {
        status: 401,
        message: dialect === 'anthropic' ? 'invalid x-api-key' : 'Incorrect API key provided.',
        code: 'invalid_api_key',
      });
      return undefined;
    },
    notFound: (req, res, path) =>
      sendApiError(res, dialectOf(req, path), {
        status: 404,
        message: `Unknown request URL: ${req.method} ${path}.`,
        code: 'unknown_url',
      }),
    methodNotAllowed: (req, res, path, allowed) =>
      sendApiError(res, dialectOf(req, path), {
        status: 405,
        message: `Method ${req.method} not allowed for ${path}.`,
        code: 'method_not_allowed',
        headers: { allow: allowed.join(', ') },
      }),
    bodyTooLarge: (res) =>
      refuseWith(res, { status: 413, message: 'Request body too large.', code: 'request_too_large' }),
    badJson: (res) =>
      refuseWith(res, { status: 400, message: 'We could not parse the JSON body of your request.' }),
  })
    // Health and counters answer without the key (probes and tests read them).
    .route('GET', '/health', ({ res }) => sendJson(res, 200, { status: 'healthy' }), { open: true })
    .route('GET', '/_mock/stats', ({ res }) => sendJson(res, 200, snapshotStats()), { open: true })
    .route('GET', '/v1/models', ({ req, res }) => models(req, res))
    .route('GET', '/v1/models/:id', ({ req, res, params }) => model(req, res, params.id as string));
  for (const [path, endpoint] of [
    ['/v1/chat/completions', chatCompletions],
    ['/v1/completions', completions],
    ['/v1/embeddings', embeddings],
    ['/v1/responses', responses],
    ['/v1/messages', messages],
  ] as const) {
    api.route('POST', path, limited(generating(endpoint)), { json: true });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    return api.handle(req, res);
  }

  function snapshotStats(): MockLlmStats {
    return {
      requests: stats.requests,
      streams: stats.streams,
      chunks: counters.chunks,
      tokens: counters.tokens,
      completedTokens: counters.completedTokens,
      completed: counters.completed,
      active: ticker.size,
      batch: capacity.batch,
      overloaded: stats.overloaded,
      faults: { ...stats.faults },
    };
  }

  const target = await serveTarget(
    handle,
    (res, error) => sendApiError(res, 'openai', { status: 500, message: `mock failure: ${String(error)}` }),
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
