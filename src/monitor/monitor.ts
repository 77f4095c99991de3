/**
 * The target's resources during a run: every `--monitor` source sampled each interval on its own
 * timer, off the hot path (async reads of /proc, one HTTP GET per source; a sample still running
 * when the next is due is skipped, never queued). Started and checked before the load; a source
 * that fails later is named once and the run goes on.
 */
import { performance } from 'node:perf_hooks';
import { dockerEndpoint, dockerSampler } from './docker.ts';
import { commandRoots, pidRoots, processSampler } from './proc.ts';
import { prometheusSampler } from './prometheus.ts';
import type { MonitorSpec } from './spec.ts';
import type {
  MonitorReport,
  MonitorSample,
  MonitorSourceReport,
  MonitorValues,
  SeriesSummary,
} from './types.ts';

export interface MonitorOptions {
  readonly intervalMs: number;
  /** `DOCKER_HOST` as the environment gives it. */
  readonly dockerHost: string | undefined;
  /** This process: `cmd:` patterns never match streamload itself. */
  readonly selfPid: number;
  /** Where /proc is (tests may point elsewhere). */
  readonly procRoot?: string;
}

/** What a finished monitor hands to run.json: each source's summary and its samples in time order. */
export interface MonitorResult {
  readonly report: MonitorReport;
  readonly samples: ReadonlyMap<string, readonly MonitorSample[]>;
  /** One line per source that failed during the run. */
  readonly warnings: readonly string[];
}

export interface Monitor {
  /** One line per source with its latest values, for the live console. */
  latestLines(): string[];
  /** The latest sample of every source that has one (the web UI). */
  latest(): Readonly<Record<string, MonitorValues>>;
  stop(): MonitorResult;
}

interface Source {
  readonly spec: MonitorSpec;
  readonly sample: () => Promise<MonitorValues>;
  readonly samples: MonitorSample[];
  busy: boolean;
  /** Samples that failed, and the first failure's reason. */
  failures: number;
  error: string | null;
}

function samplerOf(spec: MonitorSpec, options: MonitorOptions): () => Promise<MonitorValues> {
  const now = () => performance.now();
  // A sample may take up to two intervals (Docker's stats take a few hundred ms on a busy host); a
  // source still busy when its next sample is due skips it, and never delays the other sources.
  const timeoutMs = Math.min(10_000, Math.max(2_000, 2 * options.intervalMs));
  const fs = { root: options.procRoot ?? '/proc' };
  switch (spec.kind) {
    case 'pid':
      return processSampler(fs, pidRoots(spec.pid), now);
    case 'cmd':
      return processSampler(fs, commandRoots(fs, spec.pattern, options.selfPid), now);
    case 'docker':
      return dockerSampler(dockerEndpoint(options.dockerHost), spec.container, now, timeoutMs);
    case 'prometheus':
      return prometheusSampler(spec.url, spec.metrics, now, timeoutMs);
  }
}

/**
 * Checks every source with a first sample (which also primes the CPU and counter deltas) and starts
 * sampling. Throws an Error naming the source when one cannot be read now: the caller refuses the
 * run before any load.
 */
export async function startMonitor(specs: readonly MonitorSpec[], options: MonitorOptions): Promise<Monitor> {
  const sources: Source[] = [];
  for (const spec of specs) {
    let sample: () => Promise<MonitorValues>;
    try {
      sample = samplerOf(spec, options);
      await sample();
    } catch (error) {
      throw new Error(`${spec.name}: ${(error as Error).message}`);
    }
    sources.push({ spec, sample, samples: [], busy: false, failures: 0, error: null });
  }
  const timer = setInterval(() => {
    for (const source of sources) void sampleOnce(source);
  }, options.intervalMs);
  timer.unref();
  let stopped = false;

  async function sampleOnce(source: Source): Promise<void> {
    if (source.busy) return;
    source.busy = true;
    try {
      const values = await source.sample();
      if (!stopped) source.samples.push({ t: Date.now(), values });
    } catch (error) {
      source.failures++;
      source.error ??= (error as Error).message;
    } finally {
      source.busy = false;
    }
  }

  return {
    latestLines: () =>
      sources.map((s) => {
        const last = s.samples.at(-1);
        const shown = last === undefined ? 'no sample yet' : formatValues(last.values);
        return `${s.spec.name}: ${shown}${s.error === null ? '' : ` (failing: ${s.error})`}`;
      }),
    latest: () => {
      const out: Record<string, MonitorValues> = Object.create(null);
      for (const s of sources) {
        const last = s.samples.at(-1);
        if (last !== undefined) out[s.spec.name] = last.values;
      }
      return out;
    },
    stop() {
      stopped = true;
      clearInterval(timer);
      const report: Record<string, MonitorSourceReport> = Object.create(null);
      const samples = new Map<string, readonly MonitorSample[]>();
      for (const s of sources) {
        report[s.spec.name] = {
          kind: s.spec.kind,
          samples: s.samples.length,
          failures: s.failures,
          summary: summarizeSamples(s.samples),
          error: s.error,
        };
        samples.set(s.spec.name, s.samples);
      }
      const warnings = sources
        .filter((s) => s.error !== null)
        .map(
          (s) =>
            `--monitor ${s.spec.name}: ${s.failures} of ${s.failures + s.samples.length} samples failed during the run (first: ${s.error})`,
        );
      return { report, samples, warnings };
    },
  };
}

/** min/avg/max of every series over the samples that carry it. */
export function summarizeSamples(samples: readonly MonitorSample[]): Record<string, SeriesSummary> {
  const acc = new Map<string, { min: number; max: number; sum: number; n: number }>();
  for (const { values } of samples) {
    for (const [name, v] of Object.entries(values)) {
      const a = acc.get(name);
      if (a === undefined) acc.set(name, { min: v, max: v, sum: v, n: 1 });
      else {
        a.min = Math.min(a.min, v);
        a.max = Math.max(a.max, v);
        a.sum += v;
        a.n++;
      }
    }
  }
  const out: Record<string, SeriesSummary> = Object.create(null);
  // CPU first: the first sample of a source has no CPU yet (it primes the deltas).
  const names = [...acc.keys()].sort((a, b) => Number(b === 'cpu_pct') - Number(a === 'cpu_pct'));
  for (const name of names) {
    const a = acc.get(name) as { min: number; max: number; sum: number; n: number };
    out[name] = { min: a.min, avg: a.sum / a.n, max: a.max };
  }
  return out;
}

/** `cpu_pct 97.0, rss_bytes 1.2 GB`: a series' unit follows from its name's ending. */
export function formatValues(values: MonitorValues): string {
  return Object.entries(values)
    .map(([name, v]) => `${name} ${formatSeriesValue(name, v)}`)
    .join(', ');
}

export function formatSeriesValue(name: string, value: number): string {
  if (/bytes(_per_s)?$/.test(name)) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = value;
    let i = 0;
    while (Math.abs(v) >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}${name.endsWith('_per_s') ? '/s' : ''}`;
  }
  if (name.endsWith('_pct')) return `${value.toFixed(1)}%`;
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}
