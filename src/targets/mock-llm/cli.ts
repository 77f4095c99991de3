/** `streamload serve llm` once its options are resolved (cli/commands/serve.ts reads them). */
import type { ValuesOf } from '../../config/option.ts';
import { UsageError } from '../../errors.ts';
import type { ServeIo } from '../shared/serve-until-signal.ts';
import type { SERVE_LLM_OPTIONS } from './serve-options.ts';

export type ServeLlmOptions = ValuesOf<typeof SERVE_LLM_OPTIONS>;

/** Serves until a stop signal (or the parent's channel closes). */
export async function serveLlm(options: ServeLlmOptions, io: ServeIo): Promise<void> {
  const { startMockLlm } = await import('./server.ts');
  const { serveUntilSignal } = await import('../shared/serve-until-signal.ts');
  const llm = await startMockLlm({
    port: options.port,
    host: options.host,
    seed: options.seed,
    retryAfterS: options.retryAfter,
    faultRates: {
      http_500: options.fail500,
      rate_limit: options.fail429,
      reset: options.failReset,
      stall: options.failStall,
      stream_error: options.failStreamError,
    },
    firstTokenMs: options.firstTokenMs,
    interTokenMs: options.interTokenMs,
    jitterMs: options.jitterMs,
    tokens: options.tokens,
    ...(options.apiKey === null ? {} : { apiKey: options.apiKey }),
    ...(options.models === null ? {} : { models: options.models }),
    ...capacityOptions(options),
    overloadStatus: options.overloadStatus,
  });
  io.stdout.write(`mock LLM listening on ${llm.url}\n`);
  await serveUntilSignal(llm.close, io);
}

/** `--capacity` / `--max-queue` as mock options (also `serve workflow`'s embedded mock's). */
export function capacityOptions(options: { capacity: number | null; maxQueue: number | null }): {
  capacity?: number;
  maxQueue?: number;
} {
  if (options.maxQueue !== null && options.capacity === null)
    throw new UsageError('--max-queue: needs --capacity (the queue is what lies beyond the capacity)');
  return {
    ...(options.capacity === null ? {} : { capacity: options.capacity }),
    ...(options.maxQueue === null ? {} : { maxQueue: options.maxQueue }),
  };
}
