/** Assembles run.json (`streamload.run/v1`) from a final metrics snapshot and what the run knew. */

import { describeStoppedAnswering, STOPPED_ANSWERING, stoppedAnswering } from '../metrics/dead-target.ts';
import type { Snapshot } from '../metrics/snapshot.ts';
import { encodedHistograms, summarize } from '../metrics/summary.ts';
import type { MetricsSummary } from '../metrics/types.ts';
import { buildBlocks } from './blocks.ts';
import { cumulativeDurations } from './cumulative.ts';
import {
  RUN_SCHEMA,
  type RunBlocks,
  type RunEnvironment,
  type RunJson,
  type RunJsonSummary,
  type ThresholdResult,
} from './types.ts';

export interface RunJsonInput {
  readonly snapshot: Snapshot;
  readonly status: RunJson['status'];
  readonly startedAt: Date;
  readonly endedAt: Date;
  readonly config: Record<string, unknown>;
  readonly environment: RunEnvironment;
  readonly evaluate: (summary: MetricsSummary) => ThresholdResult[];
  readonly warnings: readonly string[];
  readonly partial?: RunJson['partial'];
  /** Keep the whole snapshot in run.json (`--segment` runs: `streamload merge` needs it). */
  readonly keepSnapshot?: boolean;
}

export function buildRunJson(input: RunJsonInput): RunJson {
  const summarized = summarize(input.snapshot);
  // summarize keeps the snapshot's row order: row i of both is the same second.
  const totals = cumulativeDurations(input.snapshot.history);
  const summary = {
    ...summarized,
    history: summarized.history.map((row, i) => ({ ...row, totalDuration: totals[i] ?? null })),
  };
  // Judged on the whole (merged) history: a segment's own line is replaced, never repeated.
  const stopped = stoppedAnswering(input.snapshot.history);
  const warnings = input.warnings.filter((w) => !w.includes(STOPPED_ANSWERING));
  if (stopped !== null) warnings.push(describeStoppedAnswering(stopped));
  return {
    schema: RUN_SCHEMA,
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
    status: input.status,
    partial: input.partial ?? null,
    ...summary,
    thresholds: input.evaluate(summary),
    config: input.config,
    environment: input.environment,
    warnings,
    histograms: encodedHistograms(input.snapshot),
    ...withBlocks(buildBlocks(input.snapshot.history)),
    ...(input.keepSnapshot === true ? { snapshot: input.snapshot } : {}),
  };
}

/** What `--json-summary` prints: run.json without histograms and history. */
export function toJsonSummary(run: RunJson): RunJsonSummary {
  const { histograms: _h, history: _history, snapshot: _s, blocks: _b, ...rest } = run;
  return rest;
}

const withBlocks = (blocks: RunBlocks | undefined) => (blocks === undefined ? {} : { blocks });
