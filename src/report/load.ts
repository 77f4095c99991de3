/** Reads a run.json from disk and checks its schema and shape, with a clear error for anything else. */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.ts';
import { upgradeConfigKeys } from '../run-config/legacy-keys.ts';
import { RUN_SCHEMA, type RunJson } from './types.ts';
import { runJsonSchema, shapeProblem } from './validate.ts';

export async function loadRunJson(file: string): Promise<RunJson> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
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
  const problem = shapeProblem(value, runJsonSchema());
  if (problem !== null) throw new UsageError(`${file}: damaged run.json: ${problem}`);
  const run = value as RunJson;
  return { ...run, config: upgradeConfigKeys(run.config) };
}
