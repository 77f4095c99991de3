import type { Command } from 'commander';
import { addMasterOptions } from '../../distributed/master-options.ts';
import { addWebOptions } from '../../web/options.ts';
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
  addWebOptions(cmd);
  addMasterOptions(cmd);
  cmd.addHelpText(
    'after',
    '\nTakes the same load options as `run` and writes the same reports and --json-summary.\n' +
      'Workers: streamload worker --master-host <this host> [--master-port 5557] (with the same\n' +
      'STREAMLOAD_MASTER_TOKEN). Off loopback the token is required; prefer the env variable to the\n' +
      'flag (`ps` shows flags). Workers get the API key from the master after proving the token, or\n' +
      'use their own STREAMLOAD_API_KEY when it is set.',
  );
  action(cmd, async () => {
    const { parseMasterOptions } = await import('../../distributed/master-options.ts');
    const { resolveRunConfig } = await import('../../run-config/resolve.ts');
    const { runSession } = await import('../../session/run-session.ts');
    const { startScaledSession } = await import('../scale-out.ts');
    const master = parseMasterOptions(cmd.opts(), state.env);
    const flags = typedFlags(cmd);
    for (const key of ['expectWorkers', 'masterHost', 'masterPort', 'joinTimeout', 'masterToken'])
      delete flags[key];
    const config = resolveRunConfig({ flags, env: state.env, cwd: state.cwd });
    refuseSegmentOptions(config, 'master');
    const log = config.jsonSummary ? state.stderr : state.stdout;
    return withWebUi(flags, state, log, async (observer) => {
      const result = await runSession(config, state, {
        ...(observer === undefined ? {} : { observer }),
        usersPerProcess: null,
        start: (c, origin) =>
          startScaledSession(c, origin, {
            kind: 'master',
            ...master,
            onListening: (port) =>
              state.stderr.write(
                `streamload: listening for workers on ${master.host}:${port}; waiting for ${master.expectWorkers}\n`,
              ),
          }),
      });
      return result.exitCode;
    });
  });
}
