/** The options of `streamload master` beyond the load options it shares with `run`. */
import type { Command } from 'commander';
import { integerIn, port } from '../config/units.ts';
import { UsageError } from '../errors.ts';
import { isLoopback } from '../util/loopback.ts';

export const DEFAULT_MASTER_PORT = 5557;

export interface MasterOptions {
  readonly expectWorkers: number;
  readonly host: string;
  readonly port: number;
  readonly joinTimeoutMs: number;
  /** What a worker's hello must carry; null only on a loopback address. */
  readonly token: string | null;
}

export function addMasterOptions(command: Command): Command {
  return command
    .requiredOption('--expect-workers <n>', 'start the run when this many workers have joined')
    .option(
      '--master-host <host>',
      'address to listen on for workers (0.0.0.0: every interface)',
      '127.0.0.1',
    )
    .option('--master-port <port>', 'port to listen on for workers', String(DEFAULT_MASTER_PORT))
    .option('--join-timeout <seconds>', 'give up when the workers have not all joined after this long', '120')
    .option(
      '--master-token <token>',
      'shared secret every worker must present (or env STREAMLOAD_MASTER_TOKEN; required off loopback)',
    );
}

export function parseMasterOptions(
  options: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>> = {},
): MasterOptions {
  const host = String(options.masterHost ?? '127.0.0.1');
  const tokenText = (options.masterToken as string | undefined) ?? env.STREAMLOAD_MASTER_TOKEN ?? '';
  const token = tokenText === '' ? null : tokenText;
  if (token === null && !isLoopback(host)) {
    throw new UsageError(
      `--master-host ${host}: listening off loopback needs --master-token or STREAMLOAD_MASTER_TOKEN (anyone who reaches the port would get the run's config and API key)`,
    );
  }
  return {
    expectWorkers: integerIn('--expect-workers', 1, 10_000)(String(options.expectWorkers)),
    host,
    token,
    // 0: an ephemeral port (tests); the master prints the one it got.
    port: port('--master-port')(String(options.masterPort ?? DEFAULT_MASTER_PORT)),
    joinTimeoutMs: integerIn('--join-timeout', 1, 86_400)(String(options.joinTimeout ?? 120)) * 1000,
  };
}
