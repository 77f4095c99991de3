/** The load options shared by `run` and `master`, declared once from the option table. */
import type { Command } from 'commander';
import { convertOption, flagOf, helpOf, OPTION_NAMES, optionEntry } from '../config/fields.ts';
import type { RunConfig } from '../config/types.ts';
import { UsageError } from '../errors.ts';

export function addRunOptions(cmd: Command): Command {
  for (const name of OPTION_NAMES) {
    const entry = optionEntry(name);
    const flag = flagOf(name);
    if (entry.arg === undefined) {
      cmd.option(flag, helpOf(name));
      continue;
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
  // Commander turns this into `proxy: false`, which the config resolution reads as "go direct".
  cmd.option('--no-proxy', 'ignore HTTP_PROXY/HTTPS_PROXY/NO_PROXY: connect straight to the target');
  cmd.option(
    '--config <file>',
    'YAML or JSON file with the same option names (flags override it; it overrides STREAMLOAD_* env)',
  );
  return cmd;
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
