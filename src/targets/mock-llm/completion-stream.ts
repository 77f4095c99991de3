/**
 * One streaming chat completion, driven by the shared ticker: role chunk, one content chunk per
 * token at the configured cadence, the closing chunk, the optional usage chunk, then [DONE].
 */
import type { ServerResponse } from 'node:http';
import { encodeSseEvent } from '../../sse/encoder.ts';
import type { Random } from '../../util/random.ts';
import type { MockBehaviour } from './options.ts';
import type { TickTask } from './ticker.ts';

export interface CompletionPlan {
  readonly id: string;
  readonly model: string;
  readonly created: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly includeUsage: boolean;
  /** Mid-stream fault after this many content tokens. */
  readonly fault?: { readonly kind: 'reset' | 'stream_error'; readonly afterTokens: number };
}

export interface StreamCounters {
  chunks: number;
  completed: number;
}

const WORDS = [
  'the',
  ' model',
  ' streams',
  ' tokens',
  ' quickly',
  ',',
  ' and',
  ' every',
  ' event',
  ' counts',
  '.',
];

export function tokenText(random: Random): string {
  return WORDS[random.int(0, WORDS.length - 1)] as string;
}

export function usageObject(promptTokens: number, completionTokens: number) {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
  };
}

export function createCompletionStream(
  res: ServerResponse,
  plan: CompletionPlan,
  behaviour: MockBehaviour,
  random: Random,
  counters: StreamCounters,
  /** The capacity model's delay multiplier, read at every step (capacity.ts). */
  slowdown: () => number = () => 1,
): TickTask {
  const head = `{"id":"${plan.id}","object":"chat.completion.chunk","created":${plan.created},"model":${JSON.stringify(plan.model)},"system_fingerprint":"fp_streamload"`;
  const usageTail = plan.includeUsage ? ',"usage":null}' : '}';
  let sent = 0;

  function write(data: string): void {
    res.write(encodeSseEvent({ data }));
    counters.chunks++;
  }
  function delay(base: number): number {
    const jittered =
      behaviour.jitterMs > 0 ? Math.max(0, base + (random.next() * 2 - 1) * behaviour.jitterMs) : base;
    return jittered * slowdown();
  }

  write(
    `${head},"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]${usageTail}`,
  );

  const task: TickTask = {
    dueAt: performance.now() + delay(behaviour.firstTokenMs),
    run(now) {
      if (res.destroyed) return false;
      if (plan.fault !== undefined && sent >= plan.fault.afterTokens) {
        if (plan.fault.kind === 'reset') res.destroy();
        else {
          write(
            JSON.stringify({ error: { message: 'mock in-stream error', type: 'server_error', code: null } }),
          );
          res.end();
        }
        return false;
      }
      if (sent < plan.completionTokens) {
        const text = JSON.stringify(tokenText(random));
        write(
          `${head},"choices":[{"index":0,"delta":{"content":${text}},"logprobs":null,"finish_reason":null}]${usageTail}`,
        );
        sent++;
        // From the planned time, not from now: a late tick must not push every later token back.
        task.dueAt = Math.max(task.dueAt + delay(behaviour.interTokenMs), now);
        return true;
      }
      write(`${head},"choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]${usageTail}`);
      if (plan.includeUsage) {
        write(`${head},"choices":[],"usage":${JSON.stringify(usageObject(plan.promptTokens, sent))}}`);
      }
      write('[DONE]');
      res.end();
      counters.completed++;
      return false;
    },
  };
  return task;
}
