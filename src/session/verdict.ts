/**
 * The run's exit code and the lines that explain it. A run in which no request succeeded is a
 * failure even without thresholds (docs/metrics.md): a CI job must not pass on a dead target.
 */

import { EXIT_OK, EXIT_THRESHOLD } from '../errors.ts';
import { describeStoppedAnswering, stoppedAnswering } from '../metrics/dead-target.ts';
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
  if (run.totals.requests - run.totals.failures <= 0) lines.push(noSuccess(run.totals));
  // A target that died mid-run is a failed run even when what it answered before looked good.
  const stopped = stoppedAnswering(run.history);
  if (stopped !== null) lines.push(describeStoppedAnswering(stopped));
  return { exitCode: lines.length > 0 ? EXIT_THRESHOLD : EXIT_OK, lines };
}

/** Why nothing succeeded, in the words of what happened: failed, cut by streamload, or never sent. */
function noSuccess(totals: RunJson['totals']): string {
  const { failures, cancelled } = totals;
  if (failures > 0)
    return `no request succeeded (${failures} failed${cancelled > 0 ? `, ${cancelled} cancelled` : ''})`;
  if (cancelled > 0)
    return `no request completed: ${cancelled === 1 ? 'the only one was' : `all ${cancelled} were`} still running when streamload cut them (the run's end or --stop-timeout); raise --run-time or --stop-timeout for slower answers`;
  return 'no request was sent';
}
