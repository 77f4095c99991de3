import type { Command } from 'commander';
import { nonNegativeNumber, port as parsePort } from '../../config/units.ts';
import { EXIT_OK, ExitError } from '../../errors.ts';
import type { CliContext } from '../context.ts';

interface WorkerOptions {
  readonly masterHost: string;
  readonly masterPort: string;
  readonly connectTimeout: string;
  readonly masterToken?: string;
}

export function register(program: Command, { state, action }: CliContext): void {
  const cmd = program
    .command('worker')
    .description(
      'join a `streamload master`: run the share of the load it assigns, report a snapshot every second',
    )
    .requiredOption('--master-host <host>', 'host name or address of the master')
    .option('--master-port <port>', 'the master port', '5557')
    .option('--connect-timeout <seconds>', 'keep retrying to reach the master this long', '60')
    .option(
      '--master-token <token>',
      "the master's token (prefer env STREAMLOAD_MASTER_TOKEN: `ps` shows flags)",
    )
    .addHelpText(
      'after',
      '\nThe API key comes from the master once this worker proved the token; when STREAMLOAD_API_KEY\n' +
        "is set here, the worker uses it instead of the master's.",
    );
  action(cmd, async (options: WorkerOptions) => {
    const port = parsePort('--master-port', 1)(options.masterPort);
    const timeoutS = nonNegativeNumber('--connect-timeout')(options.connectTimeout);
    const { loadStartShare } = await import('../../distributed/load-share.ts');
    // Before dialing: a worker that cannot run the engine must not take a share.
    const engineShare = await loadStartShare();
    // A worker's own key wins: the master's need never cross the network.
    const ownKey = state.env.STREAMLOAD_API_KEY;
    const startShare: typeof engineShare =
      ownKey === undefined || ownKey === ''
        ? engineShare
        : (config, share) => engineShare({ ...config, apiKey: ownKey }, share);
    const tokenText = options.masterToken ?? state.env.STREAMLOAD_MASTER_TOKEN ?? '';
    const { connectToMaster } = await import('../../distributed/ws.ts');
    const { runWorker } = await import('../../distributed/worker.ts');
    const log = (line: string): void => {
      state.stderr.write(`streamload worker: ${line}\n`);
    };
    let link: Awaited<ReturnType<typeof connectToMaster>>;
    try {
      link = await connectToMaster(options.masterHost, port, { retryForMs: timeoutS * 1000, log });
    } catch (err) {
      throw new ExitError(err instanceof Error ? err.message : String(err), 1);
    }
    log(`connected to ${options.masterHost}:${port}`);
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
