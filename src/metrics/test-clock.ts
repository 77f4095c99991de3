/** A scripted clock for metrics tests: monotonic and wall time move together, only when told. */
export interface TestClock {
  readonly nowMs: () => number;
  readonly wallClockMs: () => number;
  /** Moves both clocks forward by `ms`. */
  advance(ms: number): void;
  /** Moves both clocks to `ms` after the start. */
  at(ms: number): void;
}

export const TEST_WALL_START_MS = 1_700_000_000_000;

export function createTestClock(): TestClock {
  let now = 0;
  return {
    nowMs: () => now,
    wallClockMs: () => TEST_WALL_START_MS + now,
    advance(ms) {
      now += ms;
    },
    at(ms) {
      if (ms < now) throw new Error(`test clock cannot go back from ${now} to ${ms}`);
      now = ms;
    },
  };
}
