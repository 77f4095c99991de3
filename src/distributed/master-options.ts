/** The options of `streamload master` beyond the load options it shares with `run`. */
import type { Command } from 'commander';
import { UsageError } from '../cli/errors.ts';
import { DEFAULT_MASTER_PORT } from './ws.ts';

export interface MasterOptions {
  readonly expectWorkers: number;
  readonly host: string;
  readonly port: number;
  readonly joinTimeoutMs: number;
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
    .option(
      '--join-timeout <seconds>',
      'give up when the workers have not all joined after this long',
      '120',
    );
}

function wholeNumber(option: string, value: unknown, min: number, max: number): number {
  const text = String(value);
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= max))
    throw new UsageError(`${option} must be a whole number ${min}-${max}, got ${JSON.stringify(text)}`);
  return n;
}

export function parseMasterOptions(options: Record<string, unknown>): MasterOptions {
  return {
    expectWorkers: wholeNumber('--expect-workers', options.expectWorkers, 1, 10_000),
    host: String(options.masterHost ?? '127.0.0.1'),
    // 0: an ephemeral port (tests); the master prints the one it got.
    port: wholeNumber('--master-port', options.masterPort ?? DEFAULT_MASTER_PORT, 0, 65_535),
    joinTimeoutMs: wholeNumber('--join-timeout', options.joinTimeout ?? 120, 1, 86_400) * 1000,
  };
}
