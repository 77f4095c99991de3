/**
 * Inter-arrival times of the open model (`--arrival constant|poisson|gamma --burstiness B`).
 *
 * - constant: evenly spaced, 1/rate apart (CV 0).
 * - poisson: exponential gaps with mean 1/rate (CV 1), how independent users arrive.
 * - gamma: gamma-distributed gaps with shape B and mean 1/rate (CV 1/√B), as vLLM's
 *   `--burstiness`: B < 1 is burstier than Poisson, B > 1 smoother, B = 1 is Poisson.
 *
 * Drawn from a seeded generator (`--seed`), so a run's schedule can be repeated exactly.
 */

import { createRandom, type Random } from '../util/random.ts';
import type { ArrivalKind } from './arrival-kinds.ts';

export interface ArrivalOptions {
  readonly kind: ArrivalKind;
  /** Gamma shape (only for `gamma`); 1 = Poisson. */
  readonly burstiness: number;
  readonly seed: number;
}

/** The next gap in ms before an arrival, at `rate` arrivals per second (rate > 0). */
export type NextGap = (rate: number) => number;

export function createArrivals(options: ArrivalOptions): NextGap {
  const random = createRandom(options.seed);
  switch (options.kind) {
    case 'constant':
      return (rate) => 1000 / rate;
    case 'poisson':
      return (rate) => exponential(random) * (1000 / rate);
    case 'gamma': {
      const shape = options.burstiness;
      return (rate) => (gamma(random, shape) / shape) * (1000 / rate);
    }
  }
}

/** Exp(1): 1 − u avoids log(0), since u is in [0, 1). */
function exponential(random: Random): number {
  return -Math.log(1 - random.next());
}

/** A standard normal draw (Box–Muller). */
function normal(random: Random): number {
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Gamma(shape, 1) by Marsaglia and Tsang (2000), "A simple method for generating gamma variables";
 * for shape < 1 their boost: Gamma(shape + 1) · U^(1/shape).
 */
function gamma(random: Random, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * (1 - random.next()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
