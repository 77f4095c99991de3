/**
 * The mock LLM's capacity model: a knee like a real inference server's, sharp enough to find on a
 * small machine (`serve llm --capacity N --max-queue M`).
 *
 * The batch `n` is every chat completion the server is generating right now (admitted, not yet
 * ended: streaming or not). Up to `capacity` of them run at full speed; beyond it each forward
 * pass — the prefill before the first token and every decode step after it — takes longer:
 *
 *     slowdown(n) = max(1, n / capacity)²
 *     first-token delay = firstTokenMs × slowdown(n)      (n when the request is admitted)
 *     per-token delay   = interTokenMs × slowdown(n)      (n when each token is due)
 *
 * One factor n/C is the batch sharing the accelerator's compute once it is saturated (a real
 * server's step time grows linearly with the batch past that point); the second n/C stands for KV
 * cache pressure (preempted sequences are recomputed, so the work per useful token grows again).
 * Squared, a 10 % overload costs 21 % more time per token: a latency SLO set a little above the
 * unloaded latency breaks within a few percent of the capacity, however noisy the machine.
 *
 * `maxQueue` bounds the overload: a request that would make the batch larger than
 * `capacity + maxQueue` is refused at once (429 with Retry-After, or 503), as TGI answers
 * "Model is overloaded" and vLLM's front ends shed load.
 */
export interface CapacityOptions {
  /** Generations at full speed; undefined = unlimited (no knee). */
  readonly capacity?: number;
  /** Generations beyond capacity before requests are refused; undefined = never refused. */
  readonly maxQueue?: number;
}

export interface CapacityModel {
  /** Admits one generation; false when the batch is full (`capacity + maxQueue`). */
  admit(): boolean;
  /** A generation ended (any way). */
  release(): void;
  /** The current delay multiplier, ≥ 1. */
  slowdown(): number;
  readonly batch: number;
}

export function slowdownFor(batch: number, capacity: number | undefined): number {
  if (capacity === undefined || batch <= capacity) return 1;
  const over = batch / capacity;
  return over * over;
}

export function createCapacityModel(options: CapacityOptions = {}): CapacityModel {
  const limit =
    options.capacity === undefined || options.maxQueue === undefined
      ? Number.POSITIVE_INFINITY
      : options.capacity + options.maxQueue;
  let batch = 0;
  return {
    admit() {
      if (batch >= limit) return false;
      batch++;
      return true;
    },
    release() {
      batch = Math.max(0, batch - 1);
    },
    slowdown: () => slowdownFor(batch, options.capacity),
    get batch() {
      return batch;
    },
  };
}
