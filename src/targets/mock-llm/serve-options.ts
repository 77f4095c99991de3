/**
 * `streamload serve llm`'s options through the kernel (config/option.ts), and the fragments
 * `serve workflow` shares: where a target listens, and the embedded mock LLM's pace and capacity.
 */
import { option } from '../../config/option.ts';
import { parseOneOf, parseText } from '../../config/units.ts';
import { amount, checked, count, share, text, type Value } from '../../config/values.ts';
import { MAX_MOCK_DELAY_MS, MAX_MOCK_TOKENS } from './limits.ts';
import { DEFAULT_BEHAVIOUR, parseModelList, parseTokenRange } from './options.ts';

/** `N` or `A-B` output tokens a completion. */
const tokenRange: Value<readonly [number, number]> = checked(
  (raw) => parseTokenRange(raw) ?? `expected N or A-B with 1 ≤ A ≤ B ≤ ${MAX_MOCK_TOKENS}, got "${raw}"`,
  {
    schema: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 },
    show: ([min, max]) => (min === max ? String(min) : `${min}-${max}`),
    example: '8-16',
  },
);

const modelList: Value<readonly string[]> = checked<readonly string[]>(
  (raw) => parseModelList(raw) ?? `expected a comma-separated list of model names, got "${raw}"`,
  { schema: { type: 'array', items: { type: 'string' } }, show: (names) => names.join(','), example: 'a,b' },
);

/** The status of a refusal beyond --max-queue. */
const overloadStatus: Value<429 | 503> = {
  parse: (raw) => Number(parseOneOf(['429', '503'], parseText(raw))) as 429 | 503,
  schema: { type: 'integer', minimum: 429, maximum: 503 },
  show: String,
  example: '503',
};

const delay = (help: string, fallback: number) =>
  option({ arg: 'ms', help, value: amount(0, MAX_MOCK_DELAY_MS), default: fallback });

/** Where a `serve` target listens; each target has its own well-known port. */
export function listenOptions(port: number) {
  return {
    port: option({
      arg: 'n',
      help: 'port to listen on (0 = any free port)',
      value: count(0, 65535),
      default: port,
    }),
    host: option({ arg: 'addr', help: 'address to bind', value: text, default: '127.0.0.1' }),
  };
}

/** The mock LLM's pace and capacity: `serve llm`'s own, and `serve workflow`'s embedded one's. */
export const MOCK_PACE_OPTIONS = {
  firstTokenMs: delay('mock LLM: delay before the first token', DEFAULT_BEHAVIOUR.firstTokenMs),
  interTokenMs: delay('mock LLM: delay between tokens', DEFAULT_BEHAVIOUR.interTokenMs),
  tokens: option({
    arg: 'n|a-b',
    help: 'mock LLM: output tokens per completion, fixed or a range',
    value: tokenRange,
    default: DEFAULT_BEHAVIOUR.tokens,
  }),
  capacity: option({
    arg: 'n',
    help: 'mock LLM: generations at full speed; beyond, every delay × (batch/n)² (a real knee)',
    value: count(1),
    default: null,
    defaultHelp: 'unlimited',
  }),
  maxQueue: option({
    arg: 'm',
    help: 'mock LLM, with --capacity: refuse requests beyond capacity + m generations',
    value: count(0),
    default: null,
    defaultHelp: 'never',
  }),
};

const failShare = (help: string) => option({ arg: 'rate', help, value: share, default: 0 });

export const SERVE_LLM_OPTIONS = {
  ...listenOptions(5004),
  ...MOCK_PACE_OPTIONS,
  jitterMs: delay('uniform ± jitter on every delay', DEFAULT_BEHAVIOUR.jitterMs),
  seed: option({
    arg: 'n',
    help: 'random seed (token text, jitter, fault draws)',
    value: count(0),
    default: 1,
    // A server's seed, not the client's: `run`'s STREAMLOAD_SEED in the same shell must not move it.
    env: 'STREAMLOAD_MOCK_SEED',
  }),
  apiKey: option({
    arg: 'key',
    help: 'require this key, as Bearer or x-api-key (401 otherwise)',
    value: text,
    default: null,
    // STREAMLOAD_API_KEY is the client's key (`run`), and every child process inherits it: a mock
    // started beside a run would demand the key the run sends to the real target.
    env: 'STREAMLOAD_MOCK_API_KEY',
  }),
  fail500: failShare('share of requests answered 500'),
  fail429: failShare('share of requests answered 429 with Retry-After'),
  failReset: failShare('share of streams destroyed mid-stream'),
  failStall: failShare('share of requests that never answer'),
  failStreamError: failShare('share of streams ending in an in-stream error'),
  retryAfter: option({ arg: 's', help: 'Retry-After seconds on 429', value: amount(0), default: 1 }),
  models: option({
    arg: 'a,b,…',
    help: 'serve only these model names (404 model_not_found otherwise)',
    value: modelList,
    default: null,
    defaultHelp: 'any name',
  }),
  overloadStatus: option({
    arg: 'code',
    help: 'status of a refusal beyond --max-queue: 429 or 503',
    value: overloadStatus,
    default: 429 as const,
  }),
};

export const SERVE_LLM_HELP = `
Per-request overrides (for tests): x-mock-first-token-ms, x-mock-inter-token-ms, x-mock-jitter-ms,
x-mock-tokens, x-mock-fault (http_500|rate_limit|reset|stall|stream_error), x-mock-fault-after.
Counters: GET /_mock/stats.

Capacity model (--capacity N): the batch n is every completion being generated; each delay
(first token and every token after it) is multiplied by max(1, n/N)². --max-queue M refuses a
request that would make n > N + M with --overload-status (429 with Retry-After, or 503;
Anthropic's /v1/messages answers 529 overloaded_error). Every knob applies to every endpoint.`;
