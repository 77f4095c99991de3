import type { Command } from 'commander';
import { DEFAULT_MASTER_PORT, MASTER_OPTIONS } from '../../distributed/master-options.ts';
import { OPTIONS } from '../../run-config/fields.ts';
import { WEB_OPTIONS } from '../../web/options.ts';
import { addOptions, resolveOwnOptions } from '../command-options.ts';
import type { CliContext } from '../context.ts';
import { addRunOptions, refuseSegmentOptions, typedFlags } from '../run-options.ts';
import { withWebUi } from '../web-attach.ts';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('master')
    .description(
      'Run the load on `streamload worker`s: hand out shares, merge their results exactly, write the reports',
    );
  addRunOptions(cmd);
  cmd.option('--web', 'also serve the live web UI and /metrics while this run lasts');
  addOptions(cmd, WEB_OPTIONS);
  addOptions(cmd, MASTER_OPTIONS);
  cmd.addHelpText(
    'after',
    '\nTakes the same load options as `run` and writes the same reports and --json-summary.\n' +
      `Workers: streamload worker --master-host <this host> [--master-port ${DEFAULT_MASTER_PORT}] (with the same\n` +
      'STREAMLOAD_MASTER_TOKEN). Off loopback the token is required; prefer the env variable to the\n' +
      'flag (`ps` shows flags). Workers get the API key from the master after proving the token, or\n' +
      'use their own STREAMLOAD_API_KEY when it is set.',
  );
  action(cmd, async () => {
    const { parseMasterOptions } = await import('../../distributed/master-options.ts');
    const { resolveRunConfig } = await import('../../run-config/resolve.ts');
    const { runSession } = await import('../../session/run-session.ts');
    const { startScaledSession } = await import('../scale-out.ts');
    const flags = typedFlags(cmd);
    const alsoInFile = { ...MASTER_OPTIONS, ...WEB_OPTIONS };
    const master = parseMasterOptions(resolveOwnOptions(MASTER_OPTIONS, flags, state, OPTIONS));
    const config = resolveRunConfig({ flags, env: state.env, cwd: state.cwd, alsoInFile });
    refuseSegmentOptions(config, 'master');
    const log = config.jsonSummary ? state.stderr : state.stdout;
    return withWebUi(flags, state, log, async (observer) => {
      const result = await runSession(config, state, {
        ...(observer === undefined ? {} : { observer }),
        usersPerProcess: null,
        start: (c, origin) =>
          startScaledSession(
            c,
            origin,
            {
              kind: 'master',
              ...master,
              onListening: (port) =>
                state.stderr.write(
                  `streamload: listening for workers on ${master.host}:${port}; waiting for ${master.expectWorkers}\n`,
                ),
            },
            state,
          ),
      });
      return result.exitCode;
    });
  });
}
