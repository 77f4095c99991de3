import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ArrivalOptions, createArrivals } from './arrivals.ts';

/** The schedule of `rate` arrivals/s over `seconds`, as the open executor lays it out: gaps summed. */
function schedule(options: ArrivalOptions, rate: number, seconds: number): number[] {
  const next = createArrivals(options);
  const gaps: number[] = [];
  for (let at = 0; at < seconds * 1000; ) {
    const gap = next(rate);
    gaps.push(gap);
    at += gap;
  }
  return gaps;
}

function meanAndCv(gaps: readonly number[]): { mean: number; cv: number } {
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  const variance = gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / (gaps.length - 1);
  return { mean, cv: Math.sqrt(variance) / mean };
}

test('poisson at 50/s over 60 s: mean gap 20 ms, CV within 10 % of 1', () => {
  for (const seed of [1, 2, 3]) {
    const gaps = schedule({ kind: 'poisson', burstiness: 1, seed }, 50, 60);
    const { mean, cv } = meanAndCv(gaps);
    assert.ok(Math.abs(mean - 20) < 20 * 0.05, `seed ${seed}: mean ${mean}`);
    assert.ok(Math.abs(cv - 1) < 0.1, `seed ${seed}: CV ${cv}`);
    assert.ok(Math.abs(gaps.length - 3000) < 3000 * 0.05, `seed ${seed}: ${gaps.length} arrivals`);
  }
});

test('constant at 50/s: every gap 20 ms, CV within 0.05 of 0', () => {
  const { mean, cv } = meanAndCv(schedule({ kind: 'constant', burstiness: 1, seed: 1 }, 50, 60));
  assert.ok(Math.abs(mean - 20) < 1e-9);
  assert.ok(cv < 0.05, `CV ${cv}`);
});

test('gamma: mean 1/rate and CV 1/√burstiness, burstier below 1 and smoother above', () => {
  for (const burstiness of [0.25, 0.5, 1, 4]) {
    const { mean, cv } = meanAndCv(schedule({ kind: 'gamma', burstiness, seed: 9 }, 50, 300));
    const expected = 1 / Math.sqrt(burstiness);
    assert.ok(Math.abs(mean - 20) < 20 * 0.1, `B=${burstiness}: mean ${mean}`);
    assert.ok(Math.abs(cv - expected) < expected * 0.1, `B=${burstiness}: CV ${cv}, expected ${expected}`);
  }
});

test('seeded: the same seed gives the same schedule, another seed another', () => {
  const a = schedule({ kind: 'poisson', burstiness: 1, seed: 42 }, 10, 5);
  assert.deepEqual(schedule({ kind: 'poisson', burstiness: 1, seed: 42 }, 10, 5), a);
  assert.notDeepEqual(schedule({ kind: 'poisson', burstiness: 1, seed: 43 }, 10, 5), a);
});
