/**
 * SLO attainment and goodput as one table, rendered by the console summary, report.md and
 * report.html alike. Runs without `--slo` still have both: every successful request is good.
 */
import type { BenchmarkTable } from './benchmark.ts';
import type { RunJson } from './types.ts';

/** The objectives a run was measured against (`config.slo`), empty for none. */
export function objectivesOf(run: Pick<RunJson, 'config'>): string[] {
  const slos = run.config.slo;
  return Array.isArray(slos) ? slos.map(String) : [];
}

/** null for a run.json written before goodput existed. */
export function sloTable(run: RunJson): BenchmarkTable | null {
  if (run.goodput === undefined) return null;
  const objectives = objectivesOf(run);
  return {
    title: `SLO — ${objectives.length === 0 ? 'no --slo: every successful request is good' : objectives.join(', ')}`,
    columns: ['Attainment (%)', 'Good requests', 'Goodput Max (req/s)', 'Goodput Avg', 'Goodput Min'],
    values: [
      run.slo_attainment === null ? null : run.slo_attainment * 100,
      run.totals.good,
      run.goodput.max,
      run.goodput.avg,
      run.goodput.min,
    ],
  };
}
