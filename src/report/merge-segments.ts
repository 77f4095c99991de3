/**
 * `streamload merge`: the run.json files of `--segment` runs into the run.json of the whole run.
 * Exact: the segments' final snapshots (kept in their run.json as `snapshot`) go through the same
 * mergeSnapshots a `--processes` run uses — histograms added, counters summed, history rows aligned
 * by second since the common `--start-at` — and the result is summarized like any run.
 */

import { mergeSnapshots } from '../metrics/snapshot.ts';
import { PER_SEGMENT_OPTIONS } from '../run-config/fields.ts';
import type { RecordedConfig } from '../run-config/types.ts';
import { formatSegment, type Segment } from '../segments/shares.ts';
import { evaluateThresholds, parseThreshold, type Threshold } from '../slo/thresholds.ts';
import { withSegmentsMonitor } from './monitor.ts';
import { mergeWarnings, worstStatus } from './outcome.ts';
import { buildRunJson } from './run-json.ts';
import type { RunJson } from './types.ts';

/** One input: where it came from (for messages) and what it holds. */
export interface SegmentRun {
  readonly file: string;
  readonly run: RunJson;
}

/**
 * Config keys that may differ between segments of one run: the options marked `perSegment` in the
 * table (the segment itself, where and how each reported); a scaled segment's placement.
 */
const PER_SEGMENT_KEYS: ReadonlySet<string> = new Set([...PER_SEGMENT_OPTIONS, 'placement']);

/** The merged run.json, or one line saying why these files are not segments of one run. */
export function mergeSegmentRuns(inputs: readonly SegmentRun[]): RunJson | string {
  if (inputs.length === 0) return 'no run.json to merge';
  for (const { file, run } of inputs)
    if (run.snapshot === undefined)
      return `${file}: not a segment run (no "snapshot": run each part with --segment i/N)`;
  const first = inputs[0]!;
  const segmentOf = (input: SegmentRun): Segment => input.run.config.segment ?? { index: 0, of: 1 };
  const of = segmentOf(first).of;
  const reference = comparable(first.run.config);
  const byIndex = new Map<number, SegmentRun>();
  for (const input of inputs) {
    const segment = segmentOf(input);
    if (segment.of !== of)
      return `${input.file}: segment ${formatSegment(segment)} is not one of ${of} like ${first.file}'s`;
    const twice = byIndex.get(segment.index);
    if (twice !== undefined)
      return `segment ${formatSegment(segment)} overlaps: given by both ${twice.file} and ${input.file}`;
    const differs = differingKey(reference, comparable(input.run.config));
    if (differs !== null)
      return `${input.file}: a different run configuration than ${first.file} (${differs} differs)`;
    byIndex.set(segment.index, input);
  }
  const ordered = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, input]) => input);
  const missing = Array.from({ length: of }, (_, i) => i).filter((i) => !byIndex.has(i));
  const startAt = first.run.config.startAt;
  const warnings = mergeWarnings(
    ordered.map((input) => ({
      segment: segmentOf(input),
      status: input.run.status,
      warnings: input.run.warnings,
    })),
  );
  if (startAt === null || startAt === undefined)
    warnings.push(
      'the segments had no common --start-at: their seconds are aligned by each one’s own start, not by one clock',
    );
  const partial =
    missing.length === 0
      ? null
      : {
          lostWorkers: missing.length,
          workers: of,
          notice: `partial result: segment${missing.length === 1 ? '' : 's'} ${missing.map((i) => formatSegment({ index: i, of })).join(', ')} missing — ${of - missing.length} of ${of} segments merged`,
        };
  if (partial !== null) warnings.push(partial.notice);
  const thresholds = (first.run.config.threshold ?? []).map((t) => parseThreshold(t) as Threshold);
  const merged = buildRunJson({
    snapshot: mergeSnapshots(ordered.map(({ run }) => run.snapshot!)),
    status: worstStatus(ordered.map(({ run }) => run.status)),
    startedAt: new Date(startAt ?? Math.min(...ordered.map(({ run }) => Date.parse(run.startedAt)))),
    endedAt: new Date(Math.max(...ordered.map(({ run }) => Date.parse(run.endedAt)))),
    config: { ...first.run.config, segment: null, mergedSegments: of },
    environment: first.run.environment,
    evaluate: (summary) => evaluateThresholds(thresholds, summary),
    warnings,
    partial,
  });
  return withSegmentsMonitor(
    merged,
    ordered.map(({ run }) => run),
  );
}

/** A config as JSON with sorted keys, without the per-segment keys. */
function comparable(config: RecordedConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config).sort(([a], [b]) => a.localeCompare(b)))
    if (!PER_SEGMENT_KEYS.has(key)) out[key] = canonical(value);
  return out;
}

function differingKey(a: Record<string, string>, b: Record<string, string>): string | null {
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) if (a[key] !== b[key]) return key;
  return null;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'undefined';
}
