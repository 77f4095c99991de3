/**
 * Open model: requests arrive at a rate whatever the responses do, so a slow server cannot slow
 * the load down (no coordinated omission). Each arrival's lag behind its schedule is recorded, and
 * arrivals beyond `maxInFlight` are dropped and counted rather than queued without bound.
 */

import type { Stage } from '../../config/units.ts';
import { type Segment, takesArrival } from '../../segments/shares.ts';
import type { NextGap } from '../arrivals.ts';
import type { CreateUser, VirtualUser } from '../virtual-user.ts';
import { stageValue } from './stages.ts';
import type { Executor } from './types.ts';

export interface OpenOptions {
  readonly rate: number;
  readonly stages: readonly Stage[] | null;
  readonly iterations: number | null;
  readonly maxInFlight: number;
  /** The gap before the next arrival at a rate (arrivals.ts); default evenly spaced. */
  readonly nextGap?: NextGap;
  /** `--segment i/N`: fire only this segment's arrivals of the whole schedule (null: all). */
  readonly segment?: Segment | null;
  /** Users are pooled and never retired: each one's position is the order it was made in. */
  readonly createUser: CreateUser;
  readonly onUsers: (users: number) => void;
}

const MAX_TIMER_MS = 50;

export function createOpenExecutor(options: OpenOptions): Executor {
  const idle: VirtualUser[] = [];
  let created = 0;
  let busy = 0;
  let started = 0;
  /** Arrivals of the whole schedule so far, this segment's or not. */
  let scheduled = 0;
  const segment = options.segment ?? null;
  let dropped = 0;
  let stopping = false;
  let abandoned = false;
  let startedAt = 0;
  let nextAt = 0;
  let timer: NodeJS.Timeout | undefined;
  const nextGap = options.nextGap ?? ((rate: number) => 1000 / rate);
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  function rateAt(now: number): number | null {
    if (options.stages === null) return options.rate;
    return stageValue(options.stages, options.rate, (now - startedAt) / 1000);
  }

  async function arrival(lagMs: number): Promise<void> {
    busy++;
    options.onUsers(busy);
    let user = idle.pop();
    if (user === undefined) {
      user = options.createUser(created, created++);
      await user.onStart();
    }
    await user.iterate(lagMs);
    if (abandoned) return;
    idle.push(user);
    busy--;
    options.onUsers(busy);
    checkDone();
  }

  function checkDone(): void {
    if (stopping && busy === 0) {
      for (const user of idle.splice(0)) void user.onStop();
      resolveDone();
    }
  }

  function schedule(): void {
    timer = undefined;
    if (stopping) return;
    const now = performance.now();
    while (nextAt <= now) {
      // The rate at the arrival's scheduled instant, not at this timer's: the schedule is then a
      // pure function of rate, stages and seed, the same in every segment (`--segment`).
      const rate = rateAt(nextAt);
      if (rate === null) {
        executor.stop();
        return;
      }
      if (options.iterations !== null && started >= options.iterations) {
        executor.stop();
        return;
      }
      // A zero rate (a stage at 0) fires nothing: it waits and re-reads the rate.
      if (rate <= 0) {
        nextAt += MAX_TIMER_MS;
        continue;
      }
      if (segment !== null && !takesArrival(scheduled, segment)) {
        // Another segment's arrival: it keeps its place in the schedule, not ours to fire.
      } else if (busy >= options.maxInFlight) dropped++;
      else {
        started++;
        void arrival(now - nextAt);
      }
      scheduled++;
      nextAt += nextGap(rate);
    }
    if (rateAt(now) === null) {
      executor.stop();
      return;
    }
    timer = setTimeout(schedule, Math.min(MAX_TIMER_MS, nextAt - now));
  }

  const executor: Executor = {
    start() {
      startedAt = performance.now();
      nextAt = startedAt;
      schedule();
    },
    setUsers() {
      // The open model has no user count to change: the rate drives it.
    },
    stop() {
      if (stopping) return;
      stopping = true;
      if (timer !== undefined) clearTimeout(timer);
      checkDone();
    },
    abandon() {
      executor.stop();
      const left = busy;
      abandoned = true;
      busy = 0;
      options.onUsers(0);
      resolveDone();
      return left;
    },
    instantIterations: () => 0,
    users: () => busy,
    iterationsStarted: () => started,
    dropped: () => dropped,
    done,
  };
  return executor;
}
