/**
 * One run outcome from several parts (the workers of `--processes N` or `master`, the segments
 * given to `streamload merge`): the most severe status, and every part's warnings once each,
 * prefixed with the segments that raised it so the reader knows where to look. In report/ because
 * `streamload merge` (merge-segments.ts) needs it as much as a scaled run (distributed/merged-run.ts).
 */

import { formatSegment, type Segment } from '../segments/shares.ts';
import type { RunJson } from './types.ts';

/** How a run or a part ended (run.json `status`; the worker protocol sends the same words). */
type RunStatus = RunJson['status'];

/** One part's end: how it ended and what it warned about. */
export interface PartOutcome {
  readonly segment: Segment;
  readonly status: RunStatus;
  readonly warnings: readonly string[];
}

const STATUS_RANK: Record<RunStatus, number> = { completed: 0, stopped: 1, aborted: 2 };

/** The most severe of the statuses: one stopped or aborted part makes the whole run so. */
export function worstStatus(statuses: Iterable<RunStatus>): RunStatus {
  let worst: RunStatus = 'completed';
  for (const status of statuses) if (STATUS_RANK[status] > STATUS_RANK[worst]) worst = status;
  return worst;
}

/**
 * Every part's warnings, each text once, in first-seen order: `segment 1/2: …` when one part raised
 * it, `segments 1/2, 2/2: …` when several did (N identical saturation lines would bury the rest).
 */
export function mergeWarnings(parts: readonly PartOutcome[]): string[] {
  const bySegments = new Map<string, string[]>();
  for (const part of parts)
    for (const warning of new Set(part.warnings)) {
      const segments = bySegments.get(warning);
      if (segments === undefined) bySegments.set(warning, [formatSegment(part.segment)]);
      else segments.push(formatSegment(part.segment));
    }
  return [...bySegments].map(
    ([warning, segments]) => `segment${segments.length === 1 ? '' : 's'} ${segments.join(', ')}: ${warning}`,
  );
}

/**
 * The parts' outcome under the parent's own status (a stop or abort of the whole run) and warnings
 * (its verdicts over the merged result, e.g. --insecure): a part's warning the parent already
 * raises is said once, unprefixed, as for a single-process run.
 */
export function mergeOutcomes(
  own: { readonly status: RunStatus; readonly warnings: readonly string[] },
  parts: readonly PartOutcome[],
): { status: RunStatus; warnings: string[] } {
  const said = new Set(own.warnings);
  return {
    status: worstStatus([own.status, ...parts.map((p) => p.status)]),
    warnings: [
      ...said,
      ...mergeWarnings(parts.map((p) => ({ ...p, warnings: p.warnings.filter((w) => !said.has(w)) }))),
    ],
  };
}
