/**
 * The statistics behind `streamload compare` (README "Did it get worse?"): a seeded block
 * bootstrap's standard error, Welch's t over repeats, and Holm's step-down adjustment over the
 * metrics of one comparison. Pure functions; no I/O.
 */
import { createRandom } from '../util/random.ts';

/** The evidence for one change: its estimate, a 95 % confidence interval, and a two-sided p-value. */
export interface ChangeTest {
  readonly change: number;
  readonly low: number;
  readonly high: number;
  readonly p: number;
  /** The two values the change is between when they are not the pooled ones (Welch: the means). */
  readonly centers?: readonly [number, number];
}

/** ln Γ(x), Lanczos (g = 7, n = 9). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta (modified Lentz), as in Numerical Recipes. */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-12) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t with `df` degrees of freedom. */
export function tTwoSided(t: number, df: number): number {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The t with P(|T| > t) = `p` (bisection on the two-sided tail). */
export function tCritical(p: number, df: number): number {
  let low = 0;
  let high = 1e3;
  for (let i = 0; i < 100; i++) {
    const mid = (low + high) / 2;
    if (tTwoSided(mid, df) > p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** A side's estimate of its statistic's standard error, from `blocks` independent blocks. */
export interface SideError {
  readonly se: number;
  readonly blocks: number;
}

/**
 * A change judged on bootstrap standard errors, the small-sample way: each side's SE is scaled
 * by sqrt(k/(k−1)) (the bootstrap's bias with k blocks) and the interval and p-value use
 * Student's t with Welch–Satterthwaite degrees of freedom over the block counts. With 60 blocks
 * this is the normal approximation; with 5 (a 5 s run) the interval is ~30 % wider, as it must be.
 */
export function blockTest(change: number, a: SideError, b: SideError): ChangeTest {
  const qa = (a.se * a.se * a.blocks) / (a.blocks - 1);
  const qb = (b.se * b.se * b.blocks) / (b.blocks - 1);
  return studentTest(change, qa, a.blocks - 1, qb, b.blocks - 1);
}

/** Welch's interval and p-value from each side's squared standard error and degrees of freedom. */
function studentTest(change: number, qa: number, dfa: number, qb: number, dfb: number): ChangeTest {
  const se = Math.sqrt(qa + qb);
  if (!(se > 0)) return { change, low: change, high: change, p: change === 0 ? 1 : 0 };
  const df = (qa + qb) ** 2 / (qa ** 2 / dfa + qb ** 2 / dfb);
  const margin = tCritical(0.05, df) * se;
  return { change, low: change - margin, high: change + margin, p: tTwoSided(change / se, df) };
}

function meanVar(xs: readonly number[]): [number, number] {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return [mean, variance];
}

/** Welch's t on the per-run values of two sides (each at least 2): mean of b minus mean of a. */
export function welchTest(a: readonly number[], b: readonly number[]): ChangeTest {
  const [ma, va] = meanVar(a);
  const [mb, vb] = meanVar(b);
  return {
    ...studentTest(mb - ma, va / a.length, a.length - 1, vb / b.length, b.length - 1),
    centers: [ma, mb],
  };
}

/**
 * Holm's step-down adjustment: controls the chance of any false significance over the whole
 * family at the nominal level, uniformly more powerful than Bonferroni, no independence assumed.
 */
export function holm(pValues: readonly number[]): number[] {
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const adjusted = new Array<number>(pValues.length);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (pValues.length - rank) * p));
    adjusted[i] = running;
  });
  return adjusted;
}

/**
 * Bootstrap standard errors of several statistics over resamples of `blockCount` blocks (drawn
 * with replacement, as many as there are): `weights[i]` is how often block i was drawn. Seeded,
 * so a comparison repeats exactly. NaN for a statistic with fewer than two finite resamples.
 */
export function bootstrapSe(
  blockCount: number,
  statistics: (weights: Uint32Array) => readonly number[],
  resamples: number,
  seed: number,
): number[] {
  const random = createRandom(seed);
  const weights = new Uint32Array(blockCount);
  let sum: number[] = [];
  let sumSq: number[] = [];
  let n: number[] = [];
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (let i = 0; i < blockCount; i++) weights[Math.floor(random.next() * blockCount)]!++;
    const values = statistics(weights);
    if (r === 0) {
      sum = values.map(() => 0);
      sumSq = values.map(() => 0);
      n = values.map(() => 0);
    }
    values.forEach((value, k) => {
      if (!Number.isFinite(value)) return;
      sum[k]! += value;
      sumSq[k]! += value * value;
      n[k]!++;
    });
  }
  return sum.map((s, k) => {
    const count = n[k]!;
    if (count < 2) return Number.NaN;
    const mean = s / count;
    return Math.sqrt(Math.max(0, (sumSq[k]! - count * mean * mean) / (count - 1)));
  });
}
