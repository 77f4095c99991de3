import type { Command } from 'commander';
import { WORKER_OPTIONS } from '../../distributed/master-options.ts';
import { EXIT_OK, ExitError, UsageError } from '../../errors.ts';
import { addConfigOption, addOptions, resolveOwnOptions } from '../command-options.ts';
import type { CliContext } from '../context.ts';
import { typedFlags } from '../run-options.ts';

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('worker')
    .description(
      'join a `streamload master`: run the share of the load it assigns, report a snapshot every second',
    )
    .addHelpText(
      'after',
      '\nThe API key comes from the master once this worker proved the token; when STREAMLOAD_API_KEY\n' +
        "is set here, the worker uses it instead of the master's.",
    );
  addConfigOption(addOptions(cmd, WORKER_OPTIONS));
  action(cmd, async () => {
    const options = resolveOwnOptions(WORKER_OPTIONS, typedFlags(cmd), state);
    const { masterHost, masterPort: port } = options;
    if (masterHost === null) throw new UsageError('--master-host: required (the master to join)');
    const { loadStartShare } = await import('../../distributed/load-share.ts');
    // Before dialing: a worker that cannot run the engine must not take a share.
    const engineShare = await loadStartShare();
    // A worker's own key wins: the master's need never cross the network.
    const ownKey = state.env.STREAMLOAD_API_KEY;
    const startShare: typeof engineShare =
      ownKey === undefined || ownKey === ''
        ? engineShare
        : (config, share) => engineShare({ ...config, apiKey: ownKey }, share);
    const tokenText = options.masterToken ?? '';
    const { connectToMaster } = await import('../../distributed/ws.ts');
    const { runWorker } = await import('../../distributed/worker.ts');
    const log = (line: string): void => {
      state.stderr.write(`streamload worker: ${line}\n`);
    };
    let link: Awaited<ReturnType<typeof connectToMaster>>;
    try {
      link = await connectToMaster(masterHost, port, { retryForMs: options.connectTimeout, log });
    } catch (err) {
      throw new ExitError(err instanceof Error ? err.message : String(err), 1);
    }
    log(`connected to ${masterHost}:${port}`);
    const outcome = await runWorker(link, startShare, {
      log,
      ...(tokenText === '' ? {} : { token: tokenText }),
      // Ctrl-C or SIGTERM (a pod being deleted): the share stops, and the master gets everything
      // measured so far with `stopped`; a second signal cuts the in-flight streams.
      onStopSignal: state.onStopSignal,
    });
    if (outcome.exitCode !== 0) throw new ExitError(outcome.message, outcome.exitCode);
    log(outcome.message);
    return EXIT_OK;
  });
}
