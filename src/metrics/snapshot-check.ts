/**
 * The one check of a snapshot received from a peer: a worker's message, a `--processes` child's, a
 * segment's run.json. Every count is a finite number ≥ 0, every histogram decodes, every list, map
 * and string is bounded, every error name is one of the taxonomy's: a damaged or hostile snapshot
 * is refused with the path of its first bad field before anything merges it (issue 29 H3, M9).
 */
import { decodeHistogram } from './histogram.ts';
import { BREAKER_LEVELS, ERROR_NAMES, REJECTION_NAMES } from './names.ts';
import { SNAPSHOT_SCHEMA } from './snapshot.ts';

/** Bounds far above any real run: a week of seconds, far more series than `--max-series` allows. */
export const SNAPSHOT_LIMITS = {
  /** History rows: 7 days of seconds (the longest run) plus an hour. */
  historyRows: 7 * 86_400 + 3_600,
  /** Request-table entries, failure groups, named histograms, checks. */
  series: 100_000,
  /** One encoded histogram (base64 of a compressed HDR histogram: a few KB in practice). */
  histogramChars: 1 << 20,
  /** A name or a sample message. */
  textChars: 64 * 1024,
} as const;

/** Where a value breaks its rule (`history[3].errors.timeout`) and what it should be. */
interface Problem {
  readonly path: string;
  readonly expected: string;
}
type Rule = (value: unknown) => Problem | null;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function leaf(test: (v: unknown) => boolean, expected: string): Rule {
  return (v) => (test(v) ? null : { path: '', expected });
}

function under(key: string, problem: Problem | null): Problem | null {
  if (problem === null) return null;
  const path = problem.path === '' ? '' : problem.path.startsWith('[') ? problem.path : `.${problem.path}`;
  return { path: `${key}${path}`, expected: problem.expected };
}

const optional =
  (rule: Rule): Rule =>
  (v) =>
    v === undefined ? null : rule(v);
const nullable =
  (rule: Rule): Rule =>
  (v) =>
    v === null ? null : rule(v);

const amount = leaf((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0, 'a finite number ≥ 0');
const count = leaf((v) => Number.isSafeInteger(v) && (v as number) >= 0, 'a whole number ≥ 0');
const { textChars, histogramChars, series, historyRows } = SNAPSHOT_LIMITS;
const text = leaf(
  (v) => typeof v === 'string' && v.length <= textChars,
  `a string of at most ${textChars} characters`,
);
const oneOf = (names: readonly string[], what: string): Rule => {
  const set: ReadonlySet<string> = new Set(names);
  return leaf((v) => typeof v === 'string' && set.has(v), what);
};
const errorName = oneOf(ERROR_NAMES, 'an error name');

const histogram: Rule = (v) => {
  if (typeof v !== 'string' || v.length > histogramChars)
    return { path: '', expected: `an encoded histogram of at most ${histogramChars} characters` };
  try {
    decodeHistogram(v);
    return null;
  } catch {
    return { path: '', expected: 'an encoded HDR histogram' };
  }
};

/** An object whose listed fields pass their rules (other fields are ignored). */
function shape(rules: Readonly<Record<string, Rule>>): Rule {
  const entries = Object.entries(rules);
  return (v) => {
    if (!isObject(v)) return { path: '', expected: 'an object' };
    for (const [key, rule] of entries) {
      const problem = under(key, rule(v[key]));
      if (problem !== null) return problem;
    }
    return null;
  };
}

function list(item: Rule, max: number): Rule {
  return (v) => {
    if (!Array.isArray(v) || v.length > max) return { path: '', expected: `a list of at most ${max} items` };
    for (let i = 0; i < v.length; i++) {
      const problem = under(`[${i}]`, item(v[i]));
      if (problem !== null) return problem;
    }
    return null;
  };
}

/** A name → value map of at most `max` names; names pass `key`. */
function map(value: Rule, max: number, key: Rule = text): Rule {
  return (v) => {
    if (!isObject(v)) return { path: '', expected: 'an object' };
    const names = Object.keys(v);
    if (names.length > max) return { path: '', expected: `a map of at most ${max} names` };
    for (const name of names) {
      const label = JSON.stringify(name.slice(0, 40));
      const problem = key(name) === null ? value(v[name]) : { path: '', expected: 'a known name' };
      if (problem !== null) return under(label, problem);
    }
    return null;
  };
}

const counts = (...names: string[]): Record<string, Rule> => Object.fromEntries(names.map((n) => [n, count]));
const amounts = (...names: string[]): Record<string, Rule> =>
  Object.fromEntries(names.map((n) => [n, amount]));
const errorCounts = map(count, ERROR_NAMES.length, errorName);

const controlsSecond = shape({
  ...counts(
    'operations',
    'succeeded',
    'failed',
    'rejected',
    'retries',
    'queueWaits',
    'queueWaitUs',
    'breakerOpens',
  ),
  breaker: oneOf(BREAKER_LEVELS, 'a breaker state'),
});

const historyRow = shape({
  ...counts('users', 'activeConnections', 'connectionsOpened', 'requests', 'failures', 'events', 'bytes'),
  ...counts('tokens', 'good', 'totalRequests', 'totalFailures', 'peakConnections'),
  ...amounts('t', 'elapsedS', 'spanMs'),
  ...Object.fromEntries(
    ['ttfeP50', 'ttfeP95', 'durationP50', 'durationP95'].map((n) => [n, optional(nullable(amount))]),
  ),
  ttfeHistogram: nullable(histogram),
  durationHistogram: nullable(histogram),
  errors: errorCounts,
  generator: optional(nullable(shape(amounts('loopDelayP50Ms', 'loopDelayP99Ms', 'loopDelayMaxMs', 'cpu')))),
  controls: optional(controlsSecond),
});

const controlsTotals = shape({
  ...counts('operations', 'succeeded', 'succeededAfterRetry', 'failed', 'failedAfterRetries', 'cancelled'),
  ...counts('queueWaits', 'queueWaitUs'),
  rejections: map(count, REJECTION_NAMES.length, oneOf(REJECTION_NAMES, 'a rejection name')),
  retries: errorCounts,
  breaker: shape(counts('opens', 'halfOpens', 'closes')),
});

const snapshot = shape({
  schema: leaf((v) => v === SNAPSHOT_SCHEMA, `"${SNAPSHOT_SCHEMA}"`),
  ...amounts('startedAtMs', 'elapsedMs'),
  users: count,
  totals: shape({
    ...counts('requests', 'failures', 'streams', 'events', 'bytes', 'tokens', 'good'),
    cancelled: optional(count),
  }),
  connections: shape({ ...counts('active', 'maxConcurrent', 'openSecondPeak'), activeAreaUs: amount }),
  histograms: map(histogram, series),
  entries: list(
    shape({
      method: text,
      name: text,
      ...counts('requests', 'failures', 'contentBytes'),
      duration: histogram,
    }),
    series,
  ),
  errors: errorCounts,
  errorSamples: map(text, ERROR_NAMES.length, errorName),
  failures: list(
    shape({ method: text, name: text, error: errorName, message: text, occurrences: count }),
    series,
  ),
  history: list(historyRow, historyRows),
  generator: shape({
    ...counts('samples', 'cpuSumMicros'),
    ...amounts('cpuMax', 'loopDelayMaxMs'),
    loopDelayP50: nullable(histogram),
    loopDelayP99: nullable(histogram),
  }),
  tcp: optional(shape(counts('opened', 'h2'))),
  checks: optional(map(shape(counts('passes', 'fails')), series)),
  controls: optional(controlsTotals),
});

/** The first bad field of a snapshot, as `totals.requests must be a whole number ≥ 0`, or null. */
export function snapshotProblem(value: unknown): string | null {
  const problem = snapshot(value);
  if (problem === null) return null;
  return `${problem.path === '' ? 'the snapshot' : problem.path} must be ${problem.expected}`;
}
