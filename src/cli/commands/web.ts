import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT_OK, UsageError } from '../../errors.ts';
import { freshOutDir } from '../../session/out-dir.ts';
import { WEB_OPTIONS } from '../../web/options.ts';
import { addOptions, resolveOwnOptions } from '../command-options.ts';
import type { CliContext } from '../context.ts';
import { addRunOptions, typedFlags } from '../run-options.ts';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('web')
    .description('Serve the web UI and /metrics; start, watch, resize and stop runs from the browser')
    .option('--processes <n|auto>', 'worker processes for each run started from the page');
  addOptions(cmd, WEB_OPTIONS);
  addRunOptions(cmd);
  // `--scenario FILE` may repeat here: every file named is one the page may choose (the last one is
  // the form's default); the page can never name a file of its own.
  const scenarioFiles: string[] = [];
  cmd.on('option:scenario', (value: string) => {
    scenarioFiles.push(value);
  });
  cmd.addHelpText(
    'after',
    `
Load options given here are the start form's defaults and apply to every run started from the page
(the form sets target, API key, protocol, scenario, users, spawn rate and run time). The form's
scenario is a built-in or one of the files given with --scenario (repeatable here). Each run writes
its reports like \`streamload run\` does; the page links them. GET /metrics serves Prometheus text.

Examples:
  streamload web                                   # http://127.0.0.1:8089/
  streamload web --web-host 0.0.0.0 --web-auth admin:s3cret --target http://127.0.0.1:5001
  streamload web --scenario ./a.ts --scenario ./b.ts   # the page may choose a.ts, b.ts or a built-in
  streamload web --web-allowed-host loadtest.internal  # served behind a proxy under that name

Ctrl-C stops an active run gracefully, writes its reports, then exits.`,
  );
  action(cmd, async () => {
    const { resolveRunConfig } = await import('../../run-config/resolve.ts');
    const { BUILTIN_SCENARIOS } = await import('../../engine/scenario/options.ts');
    const { webOptionsOf } = await import('../../web/options.ts');
    const { OPTIONS } = await import('../../run-config/fields.ts');
    const { WebController } = await import('../../web/controller.ts');
    const { startWebServer } = await import('../../web/server.ts');
    const { runConfigured } = await import('./run.ts');
    const flags = typedFlags(cmd);
    const where = { env: state.env, cwd: state.cwd, alsoInFile: WEB_OPTIONS };
    const webOptions = webOptionsOf(resolveOwnOptions(WEB_OPTIONS, flags, state, OPTIONS));
    // Bad defaults fail here, with exit 2, not later on the page: every named scenario too.
    const named = scenarioFiles.filter((s) => !(BUILTIN_SCENARIOS as readonly string[]).includes(s));
    for (const scenario of named) {
      resolveRunConfig({ flags: { ...flags, scenario }, ...where });
      if (!existsSync(resolve(state.cwd, scenario)))
        throw new UsageError(`--scenario: ${scenario} does not exist`);
    }
    resolveRunConfig({ flags, ...where });
    const processes = flags.processes === undefined ? undefined : String(flags.processes);
    const controller = new WebController({
      baseFlags: flags,
      env: state.env,
      cwd: state.cwd,
      scenarioFiles: named,
      // Every run from the page gets its own folder: a second run never overwrites the first's reports.
      session: async (config, observer) =>
        runConfigured(
          config.out === null ? config : { ...config, out: await freshOutDir(config.out) },
          state,
          processes,
          observer,
        ),
    });
    const server = await startWebServer(controller, webOptions);
    state.stdout.write(`web UI: ${server.url} (idle until a run is started from the page; Ctrl-C to exit)\n`);
    await new Promise<void>((resolve) => {
      const unsubscribe = state.onStopSignal(() => {
        // An active run's own handler stops it gracefully; exit once its reports are written.
        unsubscribe();
        void controller.settled().then(resolve);
      });
    });
    await server.close();
    return EXIT_OK;
  });
}
