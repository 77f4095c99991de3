/**
 * What `streamload compare` is asked, before any statistics: whether two sides are runs of one
 * experiment (and what else differs in their configuration), and the `--tolerance` spec.
 */
import { UsageError } from '../errors.ts';
import type { CompareOptions, CompareSide, Comparison, Tolerance } from './compare-types.ts';
import type { RunJson } from './types.ts';

/** Config keys that say where the reports went or how the run was shown, not what was measured. */
const PRESENTATION_KEYS = new Set(['out', 'format', 'jsonSummary', 'liveInterval', 'startAt', 'segment']);
/** Differences in these make two runs different experiments: `--force` to compare anyway. */
const EXPERIMENT_KEYS = ['protocol', 'scenario'] as const;

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** What differs between the first base run and every other run; exit 2 on another experiment. */
export function configDifferences(base: CompareSide, candidate: CompareSide, force: boolean): string[] {
  // Read as plain records: a run.json of another streamload version may hold other keys.
  const configOf = (run: RunJson): Readonly<Record<string, unknown>> => run.config;
  const reference = configOf(base.runs[0]!);
  const referenceFile = base.files[0]!;
  const differences: string[] = [];
  const all = [
    ...base.runs.map((run, i) => [run, base.files[i]!] as const),
    ...candidate.runs.map((run, i) => [run, candidate.files[i]!] as const),
  ].slice(1);
  for (const [run, file] of all) {
    for (const key of EXPERIMENT_KEYS)
      if (!force && show(configOf(run)[key]) !== show(reference[key]))
        throw new UsageError(
          `${file}: ${key} ${show(configOf(run)[key])} differs from ${show(reference[key])} in ${referenceFile} (--force compares anyway)`,
        );
  }
  const cand = configOf(candidate.runs[0]!);
  for (const key of new Set([...Object.keys(reference), ...Object.keys(cand)])) {
    // A key only one side has: an option of another streamload version, not a choice made.
    if (PRESENTATION_KEYS.has(key) || !(key in reference) || !(key in cand)) continue;
    if (show(reference[key]) !== show(cand[key]))
      differences.push(`${key}: ${show(reference[key])} → ${show(cand[key])}`);
  }
  return differences;
}

/**
 * `--tolerance`: comma-separated; `5%` sets the default relative tolerance, `ttft.p95=10%` a
 * metric's (or a family's: `ttft=10%`), `request_duration.p99=50ms` an absolute one (ms or s for
 * latencies; a plain number in the metric's unit otherwise, e.g. `error_rate=0.02`).
 */
export function parseTolerances(spec: string): { tolerance: number; tolerances: Map<string, Tolerance> } {
  let tolerance = 0.05;
  const tolerances = new Map<string, Tolerance>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? null : part.slice(0, eq).trim();
    const value = (eq < 0 ? part : part.slice(eq + 1)).trim();
    const match = /^(\d+(?:\.\d+)?)(%|ms|s)?$/.exec(value);
    if (match === null || (key !== null && !/^[\w.:-]+$/.test(key)))
      throw new UsageError(
        `--tolerance: expected 5% or metric=10% / metric=50ms (comma-separated), got "${part}"`,
      );
    const n = Number(match[1]);
    const unit = match[2];
    if (key === null) {
      if (unit !== '%' && unit !== undefined)
        throw new UsageError(`--tolerance: a default tolerance is relative (5%), got "${part}"`);
      tolerance = n / 100;
    } else
      tolerances.set(key, unit === '%' ? { relative: n / 100 } : { absolute: unit === 's' ? n * 1000 : n });
  }
  return { tolerance, tolerances };
}

/** A `--tolerance` key that names no compared metric: a typo would silently judge by the default. */
export function unknownToleranceKeys(comparison: Comparison, options: CompareOptions): string[] {
  const ids = new Set(comparison.metrics.filter((m) => m.better !== null).map((m) => m.id));
  const families = new Set([...ids].map((id) => id.slice(0, id.lastIndexOf('.'))));
  return [...options.tolerances.keys()].filter((key) => !ids.has(key) && !families.has(key));
}
