/**
 * The closed set of names a threshold may point at, checked before the run so a typo is exit 2
 * with the nearest valid name, never a silent "no samples" failure after the whole run.
 */
import {
  COUNT_METRICS,
  ERROR_NAMES,
  LATENCY_METRICS,
  NODE_SERIES_PREFIXES,
  PERCENTILES,
  REJECTION_NAMES,
  SCHEDULED_SUFFIX,
} from '../metrics/names.ts';

/** The short names for the per-second throughput series. */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  rps: 'requests',
  eps: 'events',
  cps: 'connections',
};

const RATE_STATS = ['max', 'avg', 'min'] as const;
const LATENCY_STATS = ['count', 'min', 'max', 'mean', ...PERCENTILES.map((p) => `p${p}`)];
/** `avg` reads as `mean` for latencies, as it does for rates. */
const LATENCY_ALIASES: Readonly<Record<string, string>> = { avg: 'mean' };
const TOTALS = ['requests', 'failures', 'streams', 'events', 'bytes', 'tokens', 'good', 'cancelled'];
const CONNECTIONS = ['maxConcurrent', 'avgActive'];
/** The users' view of client-side controls (run.json `operations`), as full paths. */
const OPERATIONS = [
  ...[
    'total',
    'succeeded',
    'failed',
    'rejected',
    'cancelled',
    'success_rate',
    'error_rate',
    'rejection_rate',
    'succeededAfterRetry',
    'failedAfterRetries',
  ],
  'retries.total',
  ...REJECTION_NAMES.map((r) => `rejections.${r}`),
  ...['opens', 'halfOpens', 'closes'].map((c) => `circuitBreaker.${c}`),
  'queueWait.count',
  'queueWait.avgMs',
].map((p) => `operations.${p}`);

const HISTOGRAM_METRICS = [...LATENCY_METRICS, ...COUNT_METRICS].flatMap((m) => [
  m,
  `${m}${SCHEDULED_SUFFIX}`,
]);

/** Every complete threshold path (node durations as a pattern), for suggestions. */
function allPaths(): string[] {
  return [
    'error_rate',
    'slo_attainment',
    'operation_error_rate',
    ...OPERATIONS,
    ...RATE_STATS.map((r) => `goodput.${r}`),
    ...ERROR_NAMES.map((e) => `errors.${e}`),
    ...TOTALS.map((t) => `totals.${t}`),
    ...CONNECTIONS.map((c) => `connections.${c}`),
    ...['events', 'requests', 'connections'].flatMap((s) => RATE_STATS.map((r) => `throughput.${s}.${r}`)),
    ...Object.keys(SHORT_NAMES).flatMap((s) => RATE_STATS.map((r) => `${s}.${r}`)),
    ...HISTOGRAM_METRICS.flatMap((m) => LATENCY_STATS.map((s) => `${m}.${s}`)),
  ];
}

/**
 * The canonical lookup path of a threshold's left side, or an error naming the bad part and the
 * nearest valid name. `rps.avg` → throughput.requests.avg; `ttfe.avg` → ttfe.mean.
 */
export function resolveThresholdPath(path: readonly string[]): readonly string[] | string {
  const [head = '', ...rest] = path;
  const joined = path.join('.');
  const one = (choices: readonly string[], prefix: string): readonly string[] | string => {
    const [name, ...extra] = rest;
    if (name !== undefined && extra.length === 0 && choices.includes(name)) return [head, name];
    return unknown(
      joined,
      choices.map((c) => `${prefix}.${c}`),
    );
  };
  if (head === 'error_rate') return rest.length === 0 ? ['error_rate'] : unknown(joined, ['error_rate']);
  if (head === 'slo_attainment')
    return rest.length === 0 ? ['slo_attainment'] : unknown(joined, ['slo_attainment']);
  if (head === 'operation_error_rate')
    return rest.length === 0 ? ['operation_error_rate'] : unknown(joined, ['operation_error_rate']);
  if (head === 'operations') return OPERATIONS.includes(joined) ? path : unknown(joined, OPERATIONS);
  if (head === 'goodput') return one(RATE_STATS, 'goodput');
  if (head === 'errors') return one(ERROR_NAMES, 'errors');
  if (head === 'totals') return one(TOTALS, 'totals');
  if (head === 'connections') return one(CONNECTIONS, 'connections');
  const series = head === 'throughput' ? rest[0] : SHORT_NAMES[head];
  if (series !== undefined) {
    const stats = head === 'throughput' ? rest.slice(1) : rest;
    const valid = Object.values(SHORT_NAMES).includes(series);
    const [stat, ...extra] = stats;
    if (valid && stat !== undefined && extra.length === 0 && (RATE_STATS as readonly string[]).includes(stat))
      return ['throughput', series, stat];
    return unknown(
      joined,
      allPaths().filter((p) => p.startsWith(`${head}.`)),
    );
  }
  // `ttfe.p95`, or `node_duration.<title>.p95` where the title may itself contain dots, and so
  // may the statistic (`p99.9`). The canonical path is [metric, stat].
  const statParts = path.length >= 3 && LATENCY_STATS.includes(path.slice(-2).join('.')) ? 2 : 1;
  const stat = path.slice(-statParts).join('.');
  const metric = path.slice(0, -statParts).join('.');
  const isNode = NODE_SERIES_PREFIXES.some(
    (prefix) => metric.startsWith(prefix) && metric.length > prefix.length,
  );
  if (path.length < 2 || (!isNode && !HISTOGRAM_METRICS.includes(metric)))
    return unknown(joined, allPaths(), `unknown metric "${path.length < 2 ? joined : metric}"`);
  const canonical = LATENCY_ALIASES[stat] ?? stat;
  if (!LATENCY_STATS.includes(canonical))
    return unknown(
      joined,
      LATENCY_STATS.map((s) => `${metric}.${s}`),
      `unknown statistic "${stat}"`,
    );
  return [metric, canonical];
}

function unknown(given: string, valid: readonly string[], what = `unknown metric "${given}"`): string {
  const near = nearest(given, valid);
  return `${what}${near === undefined ? '' : ` (did you mean "${near}"?)`}`;
}

/**
 * The closest candidate by edit distance (a swap of two letters counts once: ttef → ttfe); on a
 * tie the one sharing the longer prefix (ttfe.p96 → ttfe.p95, not ttfe.p66).
 */
export function nearest(given: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const score = editDistance(given, candidate) - commonPrefix(given, candidate) / 1000;
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
}

/** Optimal-string-alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (rows[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = d;
    }
  }
  return at(a.length, b.length);
}
