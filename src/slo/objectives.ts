/**
 * Service-level objectives per request (`--slo 'ttft<500ms'`): a request is *good* when it
 * succeeded and met every objective. Goodput (good requests per second) and SLO attainment (good /
 * all requests) are counted by the recorder from this predicate, once per finished request, so they
 * merge across processes exactly like the other counters.
 */
import type { RequestResult } from '../metrics/types.ts';

/** The per-request latencies an objective can bound, and where a finished request carries them. */
const VALUES = {
  ttfb: (r: RequestResult) => r.ttfbMs,
  ttfe: (r: RequestResult) => r.ttfeMs,
  ttft: (r: RequestResult) => r.ttftMs,
  tpot: (r: RequestResult) => r.tpotMs,
  stream_duration: (r: RequestResult) => r.streamDurationMs,
  request_duration: (r: RequestResult) => r.durationMs,
} as const;
type SloMetric = keyof typeof VALUES;
export const SLO_METRICS = Object.keys(VALUES) as readonly SloMetric[];
/** Open-model runs may bound the latency from the scheduled start instead (queueing included). */
const SCHEDULED = ['ttfb', 'ttfe', 'ttft', 'request_duration'] as const;

export interface Objective {
  /** As written, e.g. `ttft<500ms`. */
  readonly expr: string;
  /** `ttft`, or `ttft_scheduled` (measured from the scheduled start). */
  readonly metric: string;
  readonly op: '<' | '<=';
  readonly limitMs: number;
}

/** Parses `<metric> < | <= <number>ms|s`; returns the reason when malformed. */
export function parseObjective(expr: string): Objective | string {
  const match = /^\s*([a-z_]+)\s*(<=|<)\s*(\d+(?:\.\d+)?)(ms|s)\s*$/.exec(expr);
  if (match === null) return `"${expr}": expected <metric> < or <= <duration>, e.g. ttft<500ms`;
  const [, metric, op, value, unit] = match as unknown as [string, string, '<' | '<=', string, string];
  const base = metric.endsWith('_scheduled') ? metric.slice(0, -'_scheduled'.length) : metric;
  const known =
    metric === base
      ? SLO_METRICS.includes(base as SloMetric)
      : (SCHEDULED as readonly string[]).includes(base);
  if (!known)
    return `"${expr}": unknown metric "${metric}" (one of ${[...SLO_METRICS, ...SCHEDULED.map((m) => `${m}_scheduled`)].join(', ')})`;
  return { expr, metric, op, limitMs: Number(value) * (unit === 's' ? 1000 : 1) };
}

/**
 * Whether a finished request is good: it succeeded and met every objective. A request without the
 * measured value (a blocking response has no ttft) does not meet an objective on it.
 */
export function goodRequest(objectives: readonly Objective[]): (result: RequestResult) => boolean {
  const checks = objectives.map((o) => {
    const scheduled = o.metric.endsWith('_scheduled');
    const value = VALUES[(scheduled ? o.metric.slice(0, -'_scheduled'.length) : o.metric) as SloMetric];
    const limit = o.limitMs;
    const strict = o.op === '<';
    return (r: RequestResult): boolean => {
      let ms = value(r);
      if (ms === undefined) return false;
      if (scheduled) ms += r.scheduleLagMs ?? 0;
      return strict ? ms < limit : ms <= limit;
    };
  });
  return (result) => {
    if (!result.ok) return false;
    for (const check of checks) if (!check(result)) return false;
    return true;
  };
}
