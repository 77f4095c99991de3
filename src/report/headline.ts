/**
 * The headline metrics of a run, one number each: what `run --repeat`'s spread summary and
 * `streamload trend` show per run. Null when the run has no such samples (no tokens, no ttft…).
 */
import type { RunJson } from './types.ts';

export interface HeadlineMetric {
  readonly id: string;
  readonly label: string;
  readonly unit: 'ms' | '/s' | '%';
  readonly pick: (run: RunJson) => number | null;
}

const latency = (metric: string, stat: 'p50' | 'p95' | 'p99'): HeadlineMetric => ({
  id: `${metric}.${stat}`,
  label: `${metric} ${stat} (ms)`,
  unit: 'ms',
  pick: (run) => run.latency[metric]?.[stat] ?? null,
});

export const HEADLINE_METRICS: readonly HeadlineMetric[] = [
  latency('ttft', 'p50'),
  latency('ttft', 'p95'),
  latency('tpot', 'p50'),
  latency('ttfe', 'p50'),
  latency('request_duration', 'p50'),
  latency('request_duration', 'p95'),
  latency('request_duration', 'p99'),
  {
    id: 'requests_per_s',
    label: 'requests/s',
    unit: '/s',
    pick: (run) => (run.durationS > 0 ? run.totals.requests / run.durationS : null),
  },
  {
    id: 'output_tokens_per_s',
    label: 'output tokens/s',
    unit: '/s',
    pick: (run) => (run.durationS > 0 && run.totals.tokens > 0 ? run.totals.tokens / run.durationS : null),
  },
  { id: 'error_rate', label: 'error rate (%)', unit: '%', pick: (run) => run.error_rate * 100 },
];

/** The headline metrics some of `runs` have (a metric no run has is left out). */
export function presentHeadlines(runs: readonly RunJson[]): HeadlineMetric[] {
  return HEADLINE_METRICS.filter((m) => runs.some((run) => m.pick(run) !== null));
}

export function formatHeadline(value: number | null): string {
  if (value === null) return '—';
  const abs = Math.abs(value);
  return abs >= 100 ? value.toFixed(0) : abs >= 10 ? value.toFixed(1) : value.toFixed(2);
}
