/** The options of `streamload master` beyond the load options it shares with `run`. */
import type { Command } from 'commander';
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

function wholeNumber(option: string, value: unknown, min: number, max: number): number {
  const text = String(value);
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`${option} must be a whole number ${min}-${max}, got ${JSON.stringify(text)}`);
  return n;
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
    expectWorkers: wholeNumber('--expect-workers', options.expectWorkers, 1, 10_000),
    host,
    token,
    // 0: an ephemeral port (tests); the master prints the one it got.
    port: wholeNumber('--master-port', options.masterPort ?? DEFAULT_MASTER_PORT, 0, 65_535),
    joinTimeoutMs: wholeNumber('--join-timeout', options.joinTimeout ?? 120, 1, 86_400) * 1000,
  };
}
