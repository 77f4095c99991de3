/**
 * Reads a run.json from disk and checks it, the one reading behind `report`, `compare` and `merge`:
 * its size, its schema and shape (counts ≥ 0, numbers finite), its lists bounded, and a segment's
 * `snapshot` through the same check a worker's snapshot passes. Anything else is exit 2 naming the
 * file and the field, never a stack trace.
 */
import { readFile, stat } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import { SNAPSHOT_LIMITS, snapshotProblem } from '../metrics/snapshot-check.ts';
import { upgradeConfigKeys } from '../run-config/legacy-keys.ts';
import { RUN_SCHEMA, type RunJson } from './types.ts';
import { runJsonSchema, shapeProblem } from './validate.ts';

/** A week-long run's run.json is a few hundred MB; past this a file is not one (and V8 could not hold it as one string). */
export const MAX_RUN_JSON_BYTES = 500 * (1 << 20);

/** Lists a renderer walks row by row: bounded as a snapshot's are. */
const BOUNDED_LISTS = {
  history: SNAPSHOT_LIMITS.historyRows,
  requests: SNAPSHOT_LIMITS.series,
  failures: SNAPSHOT_LIMITS.series,
  warnings: SNAPSHOT_LIMITS.series,
} as const;

/** An overlong list, found before the shape walks it. */
function listProblem(run: Record<string, unknown>): string | null {
  for (const [key, max] of Object.entries(BOUNDED_LISTS)) {
    const list = run[key];
    if (Array.isArray(list) && list.length > max)
      return `field "${key}" has ${list.length} items, more than ${max}`;
  }
  return null;
}

/** A problem beyond the schema's shape: a segment out of range, a bad snapshot. */
function contentProblem(run: Record<string, unknown>): string | null {
  const segment = (run.config as Record<string, unknown> | undefined)?.segment as
    | { index?: unknown; of?: unknown }
    | null
    | undefined;
  if (segment !== null && segment !== undefined) {
    const { index, of } = segment;
    if (!Number.isSafeInteger(of) || (of as number) < 1 || (of as number) > SNAPSHOT_LIMITS.series)
      return `field "config.segment.of" should be a whole number from 1 to ${SNAPSHOT_LIMITS.series}, got ${JSON.stringify(of)}`;
    if (!Number.isSafeInteger(index) || (index as number) < 0 || (index as number) >= (of as number))
      return `field "config.segment.index" should be a whole number from 0 to ${(of as number) - 1}, got ${JSON.stringify(index)}`;
  }
  if (run.snapshot !== undefined) {
    const problem = snapshotProblem(run.snapshot);
    if (problem !== null) return `field "snapshot": ${problem}`;
  }
  return null;
}

export async function loadRunJson(file: string): Promise<RunJson> {
  let text: string;
  try {
    const { size } = await stat(file);
    if (size > MAX_RUN_JSON_BYTES)
      throw new UsageError(`${file}: ${size} bytes, more than a run.json can be (${MAX_RUN_JSON_BYTES})`);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
  }
  const schema = (value as { schema?: unknown } | null)?.schema;
  if (schema !== RUN_SCHEMA)
    throw new UsageError(`${file}: schema is ${JSON.stringify(schema)}, expected "${RUN_SCHEMA}"`);
  const record = value as Record<string, unknown>;
  const damage = listProblem(record) ?? shapeProblem(value, runJsonSchema()) ?? contentProblem(record);
  if (damage !== null) throw new UsageError(`${file}: damaged run.json: ${damage}`);
  const run = value as RunJson;
  return { ...run, config: upgradeConfigKeys(run.config) };
}
