/**
 * The kernel's resolution of a table: every option from the first source that gives it, in the
 * order flags > `STREAMLOAD_*` env > config file > default. A bad value is a UsageError naming
 * its source (the flag, file:line, the env variable).
 */
import { UsageError } from '../errors.ts';
import { convert, envOf, type OptionTable, type ValuesOf } from './option.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** The table's options given as `STREAMLOAD_*` variables, converted. */
export function optionsFromEnv(table: OptionTable, env: Env): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(table)) {
    const variable = envOf(name, entry);
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    try {
      values[name] = convert(entry, raw, variable);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return values;
}

/** Only the table's keys of `values` (a file or the flags may hold other tables' options too). */
export function pickOptions(
  table: OptionTable,
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const name of Object.keys(table)) if (values[name] !== undefined) picked[name] = values[name];
  return picked;
}

/**
 * Every option of `table`: the given value (already converted), else its default. A computed
 * default reads `context` (a table whose defaults read nothing needs none).
 */
export function resolveTable<Table extends OptionTable>(
  table: Table,
  given: Readonly<Record<string, unknown>>,
  context?: unknown,
): ValuesOf<Table> {
  const values: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(table)) {
    const fallback = entry.default;
    values[name] = given[name] ?? (typeof fallback === 'function' ? fallback(context) : fallback);
  }
  // Each option once, converted by its own entry (or its default, of the entry's type).
  return values as ValuesOf<Table>;
}
