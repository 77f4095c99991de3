/** The load options shared by `run` and `master`, declared once from the option table. */
import type { Command } from 'commander';
import { REACH_OPTIONS } from '../engine/transport-options.ts';
import { UsageError } from '../errors.ts';
import {
  convertOption,
  flagOf,
  helpOf,
  OPTION_NAMES,
  type OptionName,
  optionEntry,
} from '../run-config/fields.ts';
import type { RunConfig } from '../run-config/types.ts';

export function addRunOptions(cmd: Command): Command {
  for (const name of OPTION_NAMES) addTableOption(cmd, name);
  addNoProxyOption(cmd);
  cmd.option(
    '--config <file>',
    'YAML or JSON file with the same option names (flags override it; it overrides STREAMLOAD_* env)',
  );
  return cmd;
}

/** How every command that talks HTTP reaches its server: `run`'s proxy and TLS options. */
export const REACH_OPTION_NAMES = Object.keys(REACH_OPTIONS) as (keyof typeof REACH_OPTIONS)[];

/** `setup`'s share of the table: the transport options with run's flags, help and conversions. */
export function addTransportOptions(cmd: Command): Command {
  for (const name of REACH_OPTION_NAMES) addTableOption(cmd, name);
  addNoProxyOption(cmd);
  return cmd;
}

/** One option of the table as a flag: its help, and its conversion (a bad value names the flag). */
function addTableOption(cmd: Command, name: OptionName): void {
  const entry = optionEntry(name);
  const flag = flagOf(name);
  if (entry.arg === undefined) {
    cmd.option(flag, helpOf(name));
    return;
  }
  cmd.option(`${flag} <${entry.arg}>`, helpOf(name), (raw: string, previous: unknown) => {
    let value: unknown;
    try {
      value = convertOption(name, raw, flag);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    return entry.repeatable && Array.isArray(previous) ? [...previous, ...(value as unknown[])] : value;
  });
}

/** Commander turns this into `proxy: false`, which the config resolution reads as "go direct". */
function addNoProxyOption(cmd: Command): void {
  cmd.option('--no-proxy', 'ignore HTTP_PROXY/HTTPS_PROXY/NO_PROXY: connect straight to the target');
}

/** Only the options the user typed (commander also reports defaults and env; we resolve those ourselves). */
export function typedFlags(cmd: Command): Record<string, unknown> {
  const values = cmd.opts();
  const flags: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (cmd.getOptionValueSource(key) === 'cli') flags[key] = value;
  }
  return flags;
}

/**
 * `--segment` and `--start-at` make one process one segment of a run; `--processes` and `master`
 * split the load themselves and do not (yet) give their parts a common start: refused, not ignored.
 */
export function refuseSegmentOptions(config: RunConfig, by: string): void {
  const given = config.segment != null ? '--segment' : config.startAt != null ? '--start-at' : null;
  if (given !== null)
    throw new UsageError(`${given}: not with ${by} (run each segment as its own \`streamload run\`)`);
}
