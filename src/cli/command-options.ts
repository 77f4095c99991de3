/**
 * Every command's options through the kernel (config/option.ts): a table's entries become flags
 * whose help shows the real default (from the value), config-file keys (`--config FILE`) and
 * `STREAMLOAD_*` env variables, resolved flags > env > file > default (as `run`, as k6).
 */
import { resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import { readConfigFile } from '../config/file.ts';
import {
  type AnyOption,
  convert,
  flagOf,
  helpLine,
  type OptionTable,
  type ValuesOf,
} from '../config/option.ts';
import { type Env, optionsFromEnv, pickOptions, resolveTable } from '../config/resolve-options.ts';
import { UsageError } from '../errors.ts';

/** The `--config` flag of a command whose options come from a table. */
export const CONFIG_FLAG = '--config <file>';

/** Each option of `table` as a flag: its help with its default, its conversion naming the flag. */
export function addOptions(cmd: Command, table: OptionTable): Command {
  for (const [name, entry] of Object.entries(table)) addOption(cmd, name, entry);
  return cmd;
}

/** One option as a flag: its help, and its conversion (a bad value names the flag). */
export function addOption(cmd: Command, name: string, entry: AnyOption): void {
  const flag = flagOf(name);
  if (entry.arg === undefined) {
    cmd.option(flag, helpLine(entry));
    return;
  }
  cmd.option(`${flag} <${entry.arg}>`, helpLine(entry), (raw: string, previous: unknown) => {
    let value: unknown;
    try {
      value = convert(entry, raw, flag);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return entry.repeatable && Array.isArray(previous) ? [...previous, ...(value as unknown[])] : value;
  });
}

/** `--config FILE` for a command with no run options (those bring their own). */
export function addConfigOption(cmd: Command): Command {
  return cmd.option(
    CONFIG_FLAG,
    'YAML or JSON file with the same option names (flags and STREAMLOAD_* env override it)',
  );
}

type Where = { readonly env: Env; readonly cwd: string };

/**
 * The command's own options as given: typed flags, else env, else the `--config` file's keys
 * (`fileTable` is every option the file may hold: the command's, and the run's where it takes those
 * too). One order for every command: an explicit variable beats a file left in the folder.
 */
export function givenOwnOptions(
  table: OptionTable,
  flags: Readonly<Record<string, unknown>>,
  where: Where,
  fileTable: OptionTable = table,
): Record<string, unknown> {
  const file =
    typeof flags.config === 'string'
      ? pickOptions(table, readConfigFile(resolvePath(where.cwd, flags.config), { ...fileTable, ...table }))
      : {};
  return { ...file, ...optionsFromEnv(table, where.env), ...pickOptions(table, flags) };
}

/** The command's own options, resolved: as given (givenOwnOptions), else their defaults. */
export function resolveOwnOptions<Table extends OptionTable>(
  table: Table,
  flags: Readonly<Record<string, unknown>>,
  where: Where,
  fileTable: OptionTable = table,
): ValuesOf<Table> {
  return resolveTable(table, givenOwnOptions(table, flags, where, fileTable));
}
