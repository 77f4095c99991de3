/** run.json, schema `streamload.run/v1` (the contract: docs/run-json.md; the JSON Schema is schemas/run.schema.json). */

import type { Snapshot } from '../metrics/snapshot.ts';
import type { MetricsSummary } from '../metrics/types.ts';
import type { MonitorReport } from '../monitor/types.ts';
import type { RecordedConfig } from '../run-config/types.ts';
import type { ThresholdResult } from '../slo/thresholds.ts';

// Defined beside the threshold parser (config/ sits below report/); re-exported for run.json's readers.
export type { ThresholdResult };

export const RUN_SCHEMA = 'streamload.run/v1';

export interface RunEnvironment {
  readonly hostname: string;
  readonly os: string;
  readonly arch: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryBytes: number;
  readonly node: string;
  readonly streamload: string;
  readonly target: string;
  /** The forward proxy the requests went through (credentials redacted); null = direct. */
  readonly proxy?: string | null;
  readonly tls?: {
    /** Certificate verification was off (`--insecure`). */
    readonly insecure: boolean;
    readonly caFile: string | null;
    readonly clientCertificate: string | null;
    readonly servername: string | null;
  };
  /** HTTP/2 was offered (`--http2`); `connections.http2` says where ALPN took it. */
  readonly http2?: boolean;
}

export interface RunJson extends MetricsSummary {
  readonly schema: typeof RUN_SCHEMA;
  readonly startedAt: string;
  readonly endedAt: string;
  /** `completed` ran to its end; `stopped` by the user (Ctrl-C, stop button); `aborted` cut hard. */
  readonly status: 'completed' | 'stopped' | 'aborted';
  /** Set when part of the load was lost (a worker died): what share of the planned work is missing. */
  readonly partial: null | {
    readonly lostWorkers: number;
    readonly workers: number;
    readonly notice: string;
  };
  readonly thresholds: readonly ThresholdResult[];
  /** The resolved run configuration (secrets redacted). */
  readonly config: RecordedConfig;
  readonly environment: RunEnvironment;
  /** Generator saturation and other notices a reader must see. */
  readonly warnings: readonly string[];
  /**
   * With `--monitor`: the target's resources per source (the spec as written, credentials redacted):
   * its kind and min/avg/max of each series; each history row carries the second's samples.
   */
  readonly monitor?: MonitorReport;
  /** Encoded HDR histograms by metric name (same keys as `latency`). */
  readonly histograms: Record<string, string>;
  /** Per-block latency histograms for `compare`'s block bootstrap (report/blocks.ts); absent from older runs. */
  readonly blocks?: RunBlocks;
  /**
   * A `--segment` run's final metrics snapshot, whole (every histogram and per-second row), so
   * `streamload merge` can merge segments exactly; absent from other runs.
   */
  readonly snapshot?: Snapshot;
}

/**
 * The run's seconds in consecutive blocks of `seconds` history rows each (the last may be shorter):
 * by metric, one encoded HDR histogram (µs) per block, null for a block without samples.
 */
export interface RunBlocks {
  readonly seconds: number;
  readonly histograms: Readonly<Record<string, readonly (string | null)[]>>;
}

/** What `--json-summary` prints: run.json without histograms, history and snapshot. */
export type RunJsonSummary = Omit<RunJson, 'histograms' | 'history' | 'snapshot' | 'blocks'>;
