import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  blockTest,
  bootstrapSe,
  holm,
  incompleteBeta,
  tCritical,
  tTwoSided,
  welchTest,
} from './statistics.ts';

const near = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} ≉ ${expected}`);

test('Student t: tail probabilities and critical values match the tables', () => {
  near(incompleteBeta(0.5, 2, 3), 0.6875, 1e-9);
  near(tTwoSided(2.228, 10), 0.05, 5e-4);
  near(tTwoSided(0, 7), 1, 1e-12);
  near(tCritical(0.05, 5), 2.571, 1e-3);
  near(tCritical(0.05, 1e6), 1.96, 1e-3);
});

test("Welch's t on two small samples (a textbook case)", () => {
  const r = welchTest([1, 2, 3], [4, 5, 6]);
  assert.equal(r.change, 3);
  near(r.p, 0.0213, 5e-4); // t = 3.674, df = 4
  near(r.high - r.change, 2.776 * Math.sqrt(2 / 3), 1e-3);
  assert.equal(welchTest([5, 5, 5], [5, 5, 5]).p, 1);
});

test('Holm: step-down adjusted p-values, monotone in the raw order', () => {
  assert.deepEqual(
    holm([0.01, 0.04, 0.03]).map((p) => Number(p.toFixed(6))),
    [0.03, 0.06, 0.06],
  );
  assert.deepEqual(holm([0.5, 0.9]), [1, 1]);
});

test('bootstrap SE of a mean over blocks: seeded, and near sd/√n', () => {
  const values = Array.from({ length: 50 }, (_, i) => (i * 37) % 11);
  const mean = (w: Uint32Array) => {
    let s = 0;
    let n = 0;
    w.forEach((k, i) => {
      s += k * values[i]!;
      n += k;
    });
    return [s / n];
  };
  const [se] = bootstrapSe(values.length, mean, 2000, 7);
  const m = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / values.length);
  near(se!, sd / Math.sqrt(values.length), 0.1 * (sd / Math.sqrt(values.length)));
  assert.deepEqual(bootstrapSe(values.length, mean, 200, 7), bootstrapSe(values.length, mean, 200, 7));
});

test('block test: few blocks widen the interval (small-sample t), many approach the normal', () => {
  const few = blockTest(10, { se: 2, blocks: 5 }, { se: 2, blocks: 5 });
  const many = blockTest(10, { se: 2, blocks: 1000 }, { se: 2, blocks: 1000 });
  assert.ok(few.high - few.low > 1.3 * (many.high - many.low));
  near(many.high - many.change, 1.96 * Math.hypot(2, 2), 0.02);
  assert.ok(few.p > many.p);
});
