/**
 * One streaming answer of any API, driven by the shared ticker: the API's opening events at once,
 * one step (a token per output) at the configured cadence after the first-token delay, then its
 * closing events. The API supplies the events (a StreamScript); the cadence, the capacity
 * slowdown, the faults and the counters are the same for all of them here.
 */
import type { ServerResponse } from 'node:http';
import { encodeSseEvent } from '../../sse/encoder.ts';
import type { Random } from '../../util/random.ts';
import type { MockBehaviour } from './options.ts';
import type { TickTask } from './ticker.ts';

/** Writes one event: its data and, for the APIs that name their events, its name. */
export type Emit = (data: string, event?: string) => void;

export interface StreamScript {
  /** Events before the first token (role chunk, `message_start`, `response.created`…). */
  opening(emit: Emit): void;
  /** Token steps. */
  readonly steps: number;
  /** Writes step `index`; returns the tokens it carried (one per output still going). */
  step(index: number, emit: Emit): number;
  /** Events after the last token (finish, usage, terminal). */
  closing(emit: Emit): void;
  /** The API's in-stream error, written instead of the rest. */
  failure(emit: Emit): void;
}

/** Mid-stream fault after this many steps. */
export interface StreamFault {
  readonly kind: 'reset' | 'stream_error';
  readonly afterSteps: number;
}

/** The mock's output counters, shared by every endpoint (GET /_mock/stats). */
export interface OutputCounters {
  /** SSE events written. */
  chunks: number;
  /** Output tokens sent, streamed or in a body. */
  tokens: number;
  /** Output tokens of the answers that completed (a stream cut by its client is left out). */
  completedTokens: number;
  /** Answers completed (streams that reached their end, bodies sent). */
  completed: number;
}

/** A delay of `base` ms with the behaviour's jitter, times the capacity slowdown. */
export function stepDelay(base: number, behaviour: MockBehaviour, random: Random, slowdown: number): number {
  const jittered =
    behaviour.jitterMs > 0 ? Math.max(0, base + (random.next() * 2 - 1) * behaviour.jitterMs) : base;
  return jittered * slowdown;
}

export function createTokenStream(
  res: ServerResponse,
  script: StreamScript,
  fault: StreamFault | undefined,
  behaviour: MockBehaviour,
  random: Random,
  counters: OutputCounters,
  /** The capacity model's delay multiplier, read at every step (capacity.ts). */
  slowdown: () => number = () => 1,
): TickTask {
  const emit: Emit = (data, event) => {
    res.write(encodeSseEvent(event === undefined ? { data } : { event, data }));
    counters.chunks++;
  };
  let sent = 0;
  let tokens = 0;
  script.opening(emit);
  const task: TickTask = {
    dueAt: performance.now() + stepDelay(behaviour.firstTokenMs, behaviour, random, slowdown()),
    run(now) {
      if (res.destroyed) return false;
      if (fault !== undefined && sent >= fault.afterSteps) {
        if (fault.kind === 'reset') res.destroy();
        else {
          script.failure(emit);
          res.end();
        }
        return false;
      }
      if (sent < script.steps) {
        const carried = script.step(sent, emit);
        counters.tokens += carried;
        tokens += carried;
        sent++;
        // From the planned time, not from now: a late tick must not push every later token back.
        task.dueAt = Math.max(
          task.dueAt + stepDelay(behaviour.interTokenMs, behaviour, random, slowdown()),
          now,
        );
        return true;
      }
      script.closing(emit);
      res.end();
      counters.completed++;
      counters.completedTokens += tokens;
      return false;
    },
  };
  return task;
}
