import type { Command } from 'commander';
import {
  nonNegativeInteger,
  nonNegativeNumber,
  port,
  positiveInteger,
  probability,
} from '../../config/units.ts';
import { UsageError } from '../../errors.ts';
import type { ServeIo } from '../shared/serve-until-signal.ts';
import { parseModelList, parseTokenRange } from './options.ts';

interface ServeLlmFlags {
  port: number;
  host: string;
  firstTokenMs?: number;
  interTokenMs?: number;
  jitterMs?: number;
  tokens?: string;
  seed: number;
  apiKey?: string;
  fail500: number;
  fail429: number;
  failReset: number;
  failStall: number;
  failStreamError: number;
  retryAfter: number;
  models?: string;
  capacity?: number;
  maxQueue?: number;
  overloadStatus: number;
}

/** `processIo` is called when the command runs: the entry point's view of the process (output, stop signals, parent). */
export function registerServeLlm(serve: Command, processIo: () => ServeIo): void {
  serve
    .command('llm')
    .description(
      'mock LLM the official SDKs accept: OpenAI /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/responses, /v1/models; Anthropic /v1/messages',
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', port('--port'), 5004)
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .option(
      '--first-token-ms <ms>',
      'delay before the first token (default 100)',
      nonNegativeNumber('--first-token-ms'),
    )
    .option(
      '--inter-token-ms <ms>',
      'delay between tokens (default 20)',
      nonNegativeNumber('--inter-token-ms'),
    )
    .option(
      '--jitter-ms <ms>',
      'uniform ± jitter on every delay (default 0)',
      nonNegativeNumber('--jitter-ms'),
    )
    .option('--tokens <n|a-b>', 'output tokens per completion, fixed or a range (default 32)')
    .option('--seed <n>', 'random seed (token text, jitter, fault draws)', nonNegativeNumber('--seed'), 1)
    .option('--api-key <key>', 'require this key, as Bearer or x-api-key (401 otherwise)')
    .option('--fail-500 <rate>', 'share of requests answered 500', probability('--fail-500'), 0)
    .option(
      '--fail-429 <rate>',
      'share of requests answered 429 with Retry-After',
      probability('--fail-429'),
      0,
    )
    .option('--fail-reset <rate>', 'share of streams destroyed mid-stream', probability('--fail-reset'), 0)
    .option('--fail-stall <rate>', 'share of requests that never answer', probability('--fail-stall'), 0)
    .option(
      '--fail-stream-error <rate>',
      'share of streams ending in an in-stream error',
      probability('--fail-stream-error'),
      0,
    )
    .option('--retry-after <s>', 'Retry-After seconds on 429', nonNegativeNumber('--retry-after'), 1)
    .option(
      '--models <a,b,…>',
      'serve only these model names (404 model_not_found otherwise; default: any name)',
    )
    .option(
      '--capacity <n>',
      'generations at full speed; beyond, every delay × (batch/n)² (a real knee; default unlimited)',
      positiveInteger('--capacity'),
    )
    .option(
      '--max-queue <m>',
      'with --capacity: refuse requests beyond capacity + m generations (default never)',
      nonNegativeInteger('--max-queue'),
    )
    .option('--overload-status <code>', 'status of a refusal: 429 or 503', overloadStatus, 429)
    .addHelpText(
      'after',
      '\nPer-request overrides (for tests): x-mock-first-token-ms, x-mock-inter-token-ms, x-mock-jitter-ms,\n' +
        'x-mock-tokens, x-mock-fault (http_500|rate_limit|reset|stall|stream_error), x-mock-fault-after.\n' +
        'Counters: GET /_mock/stats.\n\n' +
        'Capacity model (--capacity N): the batch n is every completion being generated; each delay\n' +
        '(first token and every token after it) is multiplied by max(1, n/N)². --max-queue M refuses a\n' +
        'request that would make n > N + M with --overload-status (429 with Retry-After, or 503;\n' +
        "Anthropic's /v1/messages answers 529 overloaded_error). Every knob applies to every endpoint.",
    )
    .action(async (flags: ServeLlmFlags) => {
      const tokens = flags.tokens === undefined ? undefined : parseTokenRange(flags.tokens);
      if (flags.tokens !== undefined && tokens === undefined) {
        throw new UsageError(`--tokens: expected N or A-B with 1 ≤ A ≤ B ≤ 100000, got "${flags.tokens}"`);
      }
      const models = flags.models === undefined ? undefined : parseModelList(flags.models);
      if (flags.models !== undefined && models === undefined)
        throw new UsageError(
          `--models: expected a comma-separated list of model names, got "${flags.models}"`,
        );
      const { startMockLlm } = await import('./server.ts');
      const { serveUntilSignal } = await import('../shared/serve-until-signal.ts');
      const io = processIo();
      const llm = await startMockLlm({
        port: flags.port,
        host: flags.host,
        seed: flags.seed,
        retryAfterS: flags.retryAfter,
        faultRates: {
          http_500: flags.fail500,
          rate_limit: flags.fail429,
          reset: flags.failReset,
          stall: flags.failStall,
          stream_error: flags.failStreamError,
        },
        ...(flags.firstTokenMs === undefined ? {} : { firstTokenMs: flags.firstTokenMs }),
        ...(flags.interTokenMs === undefined ? {} : { interTokenMs: flags.interTokenMs }),
        ...(flags.jitterMs === undefined ? {} : { jitterMs: flags.jitterMs }),
        ...(tokens === undefined ? {} : { tokens }),
        ...(flags.apiKey === undefined ? {} : { apiKey: flags.apiKey }),
        ...(models === undefined ? {} : { models }),
        ...capacityOptions(flags),
        overloadStatus: flags.overloadStatus as 429 | 503,
      });
      io.stdout.write(`mock LLM listening on ${llm.url}\n`);
      await serveUntilSignal(llm.close, io);
    });
}

function overloadStatus(text: string): number {
  if (text !== '429' && text !== '503')
    throw new UsageError(`--overload-status: expected 429 or 503, got "${text}"`);
  return Number(text);
}

/** `--capacity` / `--max-queue` as mock options (also used by `serve workflow`'s embedded mock). */
export function capacityOptions(flags: { capacity?: number; maxQueue?: number }): {
  capacity?: number;
  maxQueue?: number;
} {
  if (flags.maxQueue !== undefined && flags.capacity === undefined)
    throw new UsageError('--max-queue: needs --capacity (the queue is what lies beyond the capacity)');
  return {
    ...(flags.capacity === undefined ? {} : { capacity: flags.capacity }),
    ...(flags.maxQueue === undefined ? {} : { maxQueue: flags.maxQueue }),
  };
}
