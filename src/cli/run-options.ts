/** The load options shared by `run` and `master`, declared once from the option table. */
import type { Command } from 'commander';
import { REACH_OPTIONS } from '../engine/transport-options.ts';
import { UsageError } from '../errors.ts';
import { OPTIONS } from '../run-config/fields.ts';
import type { RunConfig } from '../run-config/types.ts';
import { addConfigOption, addOptions } from './command-options.ts';

export function addRunOptions(cmd: Command): Command {
  addOptions(cmd, OPTIONS);
  addNoProxyOption(cmd);
  return addConfigOption(cmd);
}

/** `setup`'s share of the table: the transport options with run's flags, help and conversions. */
export function addTransportOptions(cmd: Command): Command {
  addOptions(cmd, REACH_OPTIONS);
  addNoProxyOption(cmd);
  return cmd;
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
