/**
 * Closed model: N users, each looping iteration → think time → iteration. Users are spawned at the
 * spawn rate toward the target (which stages or setUsers may move) and retired after their current
 * iteration. With `iterations`, the users share a fixed budget of iterations.
 */
import type { Stage } from '../../config/units.ts';
import type { CreateUser, VirtualUser } from '../virtual-user.ts';
import { stageValue } from './stages.ts';
import type { Executor } from './types.ts';

export interface ClosedOptions {
  readonly users: number;
  readonly spawnRate: number;
  readonly iterations: number | null;
  /**
   * Fixed work counted in requests (engine/request-budget.ts): iterations start while some are
   * left, instead of counting `iterations`.
   */
  readonly requestsLeft?: () => number;
  readonly stages: readonly Stage[] | null;
  /**
   * A user's position is its place among the active users: the oldest keep theirs and the newest
   * retire first, so the active users always hold positions 0…n−1 (and their classes stay exact).
   */
  readonly createUser: CreateUser;
  /** Called whenever the user count changes (the recorder's users gauge). */
  readonly onUsers: (users: number) => void;
}

const SPAWN_TICK_MS = 50;
/** An iteration that sent no request and ended this fast did no I/O at all (scenario code only). */
const INSTANT_ITERATION_MS = 1;
/**
 * The pause after such an iteration: a user loop whose task settles without I/O would otherwise run
 * on microtasks alone, and timers (the run time), signals and the stop would never get a turn.
 */
export const INSTANT_BACKOFF_MS = 10;

/** Lets timers, I/O callbacks and signal handlers run before the next iteration. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function createClosedExecutor(options: ClosedOptions): Executor {
  /**
   * With stages the ramp is the stages' own (k6's ramping-vus): the target moves linearly and users
   * start as it does; a spawn rate would cap a steep stage below its target (30 users peaked at 23).
   */
  const spawnRate = options.stages === null ? options.spawnRate : Number.POSITIVE_INFINITY;
  let target = options.stages === null ? options.users : 0;
  let stopping = false;
  let started = 0;
  let instant = 0;
  let nextIndex = 0;
  let spawnCredit = 1; // the first user starts at once
  let startedAt = 0;
  let lastTick = 0;
  let timer: NodeJS.Timeout | undefined;
  const live = new Set<{ retired: boolean; wake?: () => void }>();
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  function budgetLeft(): number {
    if (options.requestsLeft !== undefined) return options.requestsLeft();
    return options.iterations === null ? Number.POSITIVE_INFINITY : options.iterations - started;
  }

  function takeIteration(): boolean {
    if (stopping) return false;
    if (budgetLeft() <= 0) return false;
    started++;
    return true;
  }

  function sleep(slot: { wake?: () => void }, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      slot.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async function runUser(user: VirtualUser, slot: { retired: boolean; wake?: () => void }): Promise<void> {
    await user.onStart();
    while (!slot.retired && takeIteration()) {
      const began = performance.now();
      const requestsBefore = user.requestCount();
      await user.iterate();
      let wait = user.waitMs();
      // An iteration that found the request budget spent by another user sent nothing, as planned.
      if (
        user.requestCount() === requestsBefore &&
        budgetLeft() > 0 &&
        performance.now() - began < INSTANT_ITERATION_MS
      ) {
        instant++;
        wait = Math.max(wait, INSTANT_BACKOFF_MS);
      }
      // Even a request can settle without a loop turn (a connect refused synchronously, EMFILE):
      // every iteration yields, so the run time, the stop and signals always get their turn.
      if (wait > 0 && !slot.retired && !stopping) await sleep(slot, wait);
      else await yieldToLoop();
    }
    await user.onStop();
    live.delete(slot);
    options.onUsers(live.size);
    checkDone();
  }

  function checkDone(): void {
    const budgetUsed = budgetLeft() <= 0;
    if (live.size === 0 && (stopping || budgetUsed)) {
      if (timer !== undefined) clearInterval(timer);
      stopping = true;
      resolveDone();
    }
  }

  function tick(): void {
    const now = performance.now();
    if (options.stages !== null) {
      const value = stageValue(options.stages, 0, (now - startedAt) / 1000);
      if (value === null) {
        executor.stop();
        return;
      }
      target = Math.round(value);
    }
    spawnCredit = Math.min(spawnCredit + ((now - lastTick) / 1000) * spawnRate, Math.max(1, spawnRate));
    lastTick = now;
    const active = [...live].filter((s) => !s.retired);
    if (active.length > target) {
      for (const slot of active.slice(target)) {
        slot.retired = true;
        slot.wake?.();
      }
    }
    let count = active.length;
    while (count < target && spawnCredit >= 1 && budgetLeft() > 0 && !stopping) {
      spawnCredit -= 1;
      const slot = { retired: false };
      live.add(slot);
      void runUser(options.createUser(nextIndex++, count++), slot);
    }
    options.onUsers(live.size);
    checkDone();
  }

  const executor: Executor = {
    start() {
      startedAt = performance.now();
      lastTick = startedAt;
      tick();
      timer = setInterval(tick, SPAWN_TICK_MS);
    },
    setUsers(users) {
      target = users;
    },
    stop() {
      if (stopping) return;
      stopping = true;
      if (timer !== undefined) clearInterval(timer);
      for (const slot of live) slot.wake?.();
      checkDone();
    },
    abandon() {
      executor.stop();
      const left = live.size;
      live.clear();
      options.onUsers(0);
      resolveDone();
      return left;
    },
    users: () => live.size,
    iterationsStarted: () => started,
    instantIterations: () => instant,
    dropped: () => 0,
    done,
  };
  return executor;
}
