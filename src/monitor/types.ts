/**
 * What `--monitor` records about the target: per source, a sample of named series every interval,
 * summarised as min/avg/max. Plain data: run.json carries it, report/ renders it.
 */

/** A source's kind (`pid:`, `cmd:`, `docker:`, `prometheus:`). */
export type MonitorKind = 'pid' | 'cmd' | 'docker' | 'prometheus';

/** One sample: series name → value (`cpu_pct` 100 = one core, `rss_bytes`, Prometheus names). */
export type MonitorValues = Readonly<Record<string, number>>;

export interface MonitorSample {
  /** Unix ms when it was taken. */
  readonly t: number;
  readonly values: MonitorValues;
}

export interface SeriesSummary {
  readonly min: number;
  readonly avg: number;
  readonly max: number;
}

/** run.json `monitor.<source>`: the source as the user wrote it (credentials redacted) is the key. */
export interface MonitorSourceReport {
  readonly kind: MonitorKind;
  /** Samples that succeeded, and those that failed (the run went on). */
  readonly samples: number;
  readonly failures: number;
  readonly summary: Readonly<Record<string, SeriesSummary>>;
  /** Why the first failed sample failed; null when every sample succeeded. */
  readonly error: string | null;
}

export type MonitorReport = Readonly<Record<string, MonitorSourceReport>>;
