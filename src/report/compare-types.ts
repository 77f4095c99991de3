/** What `streamload compare` takes and gives: the sides, the options, each metric's verdict. */
import type { RunJson } from './types.ts';

export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive';
export type Unit = 'ms' | '/s' | 'share' | 'ratio';

/** One side of a comparison: its name in the table and its runs (with the files they came from). */
export interface CompareSide {
  readonly name: string;
  readonly files: readonly string[];
  readonly runs: readonly RunJson[];
}

export interface CompareOptions {
  /** Default relative tolerance (0.05 = 5 %). */
  readonly tolerance: number;
  /** Per metric (id or family, e.g. `ttft.p95`, `ttft`): a relative or an absolute tolerance. */
  readonly tolerances: ReadonlyMap<string, Tolerance>;
  readonly seed: number;
  readonly resamples: number;
  /** Compare different protocols or scenarios anyway. */
  readonly force: boolean;
}

export type Tolerance = { readonly relative: number } | { readonly absolute: number };

export interface ComparedMetric {
  /** `ttft.p95`, `requests_per_s`, `operations.error_rate`… (the `--tolerance` key). */
  readonly id: string;
  readonly unit: Unit;
  /** The good direction; null: shown beside the judged ones (min, max), never judged. */
  readonly better: 'lower' | 'higher' | null;
  readonly base: number | null;
  readonly candidate: number | null;
  readonly change: number | null;
  readonly relative: number | null;
  /** 95 % confidence interval of the change (unadjusted). */
  readonly ci: readonly [number, number] | null;
  readonly p: number | null;
  /** Holm-adjusted over every judged metric of this comparison. */
  readonly pAdjusted: number | null;
  readonly method: 'block bootstrap' | 'Welch t over runs' | null;
  /** The practical threshold in the metric's unit. */
  readonly threshold: number | null;
  readonly verdict: Verdict | null;
  /** Why the evidence is missing, when it is. */
  readonly note: string | null;
}

export interface Comparison {
  readonly base: { readonly name: string; readonly files: readonly string[] };
  readonly candidate: { readonly name: string; readonly files: readonly string[] };
  readonly method: string;
  readonly configDifferences: readonly string[];
  readonly metrics: readonly ComparedMetric[];
  readonly regressed: readonly string[];
}
