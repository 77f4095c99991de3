/** A counting semaphore: at most `limit` holders; waiters are served first come, first served. */
import { LimiterClosedError } from './token-bucket.ts';

export interface Semaphore {
  /** Resolves with a release function once a slot is free. Rejects after close(). */
  acquire(): Promise<() => void>;
  /** Slots held now. */
  readonly held: number;
  /** Callers waiting now. */
  readonly waiting: number;
  /** Rejects every waiter; holders keep their slots until they release. */
  close(): void;
}

export function createSemaphore(limit: number): Semaphore {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`semaphore limit must be an integer ≥ 1, got ${limit}`);
  let held = 0;
  let closed = false;
  const queue: { resolve: (release: () => void) => void; reject: (error: Error) => void }[] = [];

  function releaser(): () => void {
    let released = false;
    return () => {
      if (released) return; // a double release must not free someone else's slot
      released = true;
      const next = queue.shift();
      if (next === undefined) held--;
      else next.resolve(releaser()); // the slot passes straight on: held stays the same
    };
  }

  return {
    acquire() {
      if (closed) return Promise.reject(new LimiterClosedError('the concurrency limiter is closed'));
      if (held < limit) {
        held++;
        return Promise.resolve(releaser());
      }
      return new Promise((resolve, reject) => queue.push({ resolve, reject }));
    },
    get held() {
      return held;
    },
    get waiting() {
      return queue.length;
    },
    close() {
      closed = true;
      for (const waiter of queue.splice(0)) {
        waiter.reject(
          new LimiterClosedError('the run ended while this request waited for a concurrency slot'),
        );
      }
    },
  };
}
