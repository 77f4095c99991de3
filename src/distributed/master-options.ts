/** The options of `streamload master` beyond the load options it shares with `run`, and `worker`'s. */
import { option, type ValuesOf } from '../config/option.ts';
import { count, duration, text } from '../config/values.ts';
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

const masterToken = option({
  arg: 'token',
  help: "the master's shared secret (prefer env STREAMLOAD_MASTER_TOKEN: `ps` shows flags)",
  value: text,
  default: null,
});

export const MASTER_OPTIONS = {
  expectWorkers: option({
    arg: 'n',
    help: 'start the run when this many workers have joined (required)',
    value: count(1, 10_000),
    default: null,
  }),
  masterHost: option({
    arg: 'host',
    help: 'address to listen on for workers (0.0.0.0: every interface)',
    value: text,
    default: '127.0.0.1',
  }),
  // 0: an ephemeral port (tests); the master prints the one it got.
  masterPort: option({
    arg: 'port',
    help: 'port to listen on for workers (0 = any free port)',
    value: count(0, 65_535),
    default: DEFAULT_MASTER_PORT,
  }),
  joinTimeout: option({
    arg: 'dur',
    help: 'give up when the workers have not all joined after this long',
    value: duration,
    default: 120_000,
  }),
  masterToken: option({
    ...masterToken,
    help: 'shared secret every worker must present (required off loopback; prefer env STREAMLOAD_MASTER_TOKEN: `ps` shows flags)',
  }),
};

export const WORKER_OPTIONS = {
  masterHost: option({
    arg: 'host',
    help: 'host name or address of the master (required)',
    value: text,
    default: null,
  }),
  masterPort: option({
    arg: 'port',
    help: 'the master port',
    value: count(1, 65_535),
    default: DEFAULT_MASTER_PORT,
  }),
  connectTimeout: option({
    arg: 'dur',
    help: 'keep retrying to reach the master this long',
    value: duration,
    default: 60_000,
  }),
  masterToken,
};

export function parseMasterOptions(values: ValuesOf<typeof MASTER_OPTIONS>): MasterOptions {
  const host = values.masterHost;
  // An empty value (`STREAMLOAD_MASTER_TOKEN=`) is none.
  const token = values.masterToken || null;
  if (token === null && !isLoopback(host)) {
    throw new UsageError(
      `--master-host ${host}: listening off loopback needs --master-token or STREAMLOAD_MASTER_TOKEN (anyone who reaches the port would get the run's config and API key)`,
    );
  }
  if (values.expectWorkers === null)
    throw new UsageError('--expect-workers: required (how many workers the run waits for)');
  return {
    expectWorkers: values.expectWorkers,
    host,
    token,
    port: values.masterPort,
    joinTimeoutMs: values.joinTimeout,
  };
}
