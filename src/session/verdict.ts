/**
 * The run's exit code and the lines that explain it. A run in which no request succeeded is a
 * failure even without thresholds (docs/metrics.md): a CI job must not pass on a dead target.
 */

import { EXIT_OK, EXIT_THRESHOLD } from '../errors.ts';
import type { RunJson } from '../report/types.ts';

export interface Verdict {
  readonly exitCode: number;
  /** Why the run failed, one line each (empty on success). */
  readonly lines: readonly string[];
}

/** `fatal`: something outside the measurements ended the run (the embedded target died). */
export function verdictOf(run: RunJson, fatal: string | null = null): Verdict {
  const lines: string[] = [];
  if (fatal !== null) lines.push(fatal);
  const failed = run.thresholds.filter((t) => !t.ok);
  if (failed.length > 0)
    lines.push(
      `${failed.length} threshold${failed.length === 1 ? '' : 's'} failed: ${failed.map((t) => t.expr).join(', ')}`,
    );
  // Cancelled requests (cut by streamload itself) are neither successes nor failures.
  if (run.totals.requests - run.totals.failures <= 0)
    lines.push(`no request succeeded (${run.totals.failures} failed)`);
  return { exitCode: lines.length > 0 ? EXIT_THRESHOLD : EXIT_OK, lines };
}
