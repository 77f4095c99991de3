import type { Command } from 'commander';
import { addWebOptions } from '../../web/options.ts';
import { addRunOptions, typedFlags } from '../run-options.ts';
import { withWebUi } from '../web-attach.ts';

export function register(program: Command): void {
  const cmd = program
    .command('master')
    .description(
      'Run the load on `streamload worker`s: hand out shares, merge their results exactly, write the reports',
    );
  addRunOptions(cmd);
  cmd.option('--web', 'also serve the live web UI and /metrics while this run lasts');
  addWebOptions(cmd);
  cmd.requiredOption('--expect-workers <n>', 'start the run when this many workers have joined');
  cmd.option(
    '--master-host <host>',
    'address to listen on for workers (0.0.0.0: every interface)',
    '127.0.0.1',
  );
  cmd.option('--master-port <port>', 'port to listen on for workers', '5557');
  cmd.option(
    '--join-timeout <seconds>',
    'give up when the workers have not all joined after this long',
    '120',
  );
  cmd.addHelpText(
    'after',
    '\nTakes the same load options as `run` and writes the same reports and --json-summary.\n' +
      'Workers: streamload worker --master-host <this host> [--master-port 5557]',
  );
  cmd.action(async () => {
    const { parseMasterOptions } = await import('../../distributed/master-options.ts');
    const { resolveRunConfig } = await import('../../config/resolve.ts');
    const { runSession } = await import('../run-session.ts');
    const { startScaledSession } = await import('../scale-out.ts');
    const master = parseMasterOptions(cmd.opts());
    const flags = typedFlags(cmd);
    for (const key of ['expectWorkers', 'masterHost', 'masterPort', 'joinTimeout']) delete flags[key];
    const config = resolveRunConfig({ flags, env: process.env, cwd: process.cwd() });
    const log = config.jsonSummary ? process.stderr : process.stdout;
    process.exitCode = await withWebUi(flags, log, async (observer) => {
      const result = await runSession(config, {
        ...(observer === undefined ? {} : { observer }),
        start: (c, origin) =>
          startScaledSession(c, origin, {
            kind: 'master',
            ...master,
            onListening: (port) =>
              process.stderr.write(
                `streamload: listening for workers on ${master.host}:${port}; waiting for ${master.expectWorkers}\n`,
              ),
          }),
      });
      return result.exitCode;
    });
  });
}
