import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Plan, type Share, splitInteger, splitPlan, splitRate } from './shares.ts';

/** The plan a set of shares adds up to. */
function sumShares(shares: readonly Share[]): Plan {
  const total = (pick: (s: Share) => number | null): number | null => {
    if (shares.length === 0 || pick(shares[0]!) === null) return null;
    return Math.round(shares.reduce((t, s) => t + (pick(s) ?? 0) * 1000, 0)) / 1000;
  };
  return {
    users: shares.reduce((t, s) => t + s.users, 0),
    spawnRate: total((s) => s.spawnRate) ?? 0,
    rate: total((s) => s.rate),
    iterations: total((s) => s.iterations),
  };
}

test('integer splits sum exactly and differ by at most one', () => {
  fc.assert(
    fc.property(fc.nat(100_000), fc.integer({ min: 1, max: 64 }), (total, parts) => {
      const split = splitInteger(total, parts);
      assert.equal(split.length, parts);
      assert.equal(
        split.reduce((a, b) => a + b, 0),
        total,
      );
      assert.ok(Math.max(...split) - Math.min(...split) <= 1);
    }),
  );
});

test('rate splits sum exactly in thousandths', () => {
  fc.assert(
    fc.property(fc.nat(10_000_000), fc.integer({ min: 1, max: 64 }), (milli, parts) => {
      const rate = milli / 1000;
      const plan = sumShares(splitPlan({ users: 0, spawnRate: 1, rate, iterations: null }, parts));
      assert.equal(plan.rate, rate);
    }),
  );
  assert.deepEqual(splitRate(2.5, 2), [1.25, 1.25]);
  assert.deepEqual(splitRate(1, 3), [0.334, 0.333, 0.333]);
});

test('a plan splits into shares that sum back to it', () => {
  const shares = splitPlan({ users: 5, spawnRate: 2, rate: null, iterations: 7 }, 2);
  assert.deepEqual(
    shares.map((s) => [s.index, s.of, s.users, s.spawnRate, s.iterations]),
    [
      [0, 2, 3, 1, 4],
      [1, 2, 2, 1, 3],
    ],
  );
  assert.deepEqual(sumShares(shares), { users: 5, spawnRate: 2, rate: null, iterations: 7 });
});

test('bad input is refused', () => {
  assert.throws(() => splitInteger(3, 0), /3 parts|0 parts/);
  assert.throws(() => splitInteger(2.5, 2), /not a whole number/);
  assert.throws(() => splitRate(-1, 2), /cannot split rate/);
});
