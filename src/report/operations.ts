/**
 * The two views of a run with client-side controls, side by side: what the server saw (every
 * attempt a request) and what users saw (each logical operation once, retries included). One
 * wording for the console, summary.txt, report.md and report.html.
 */
import { ERROR_NAMES } from '../metrics/names.ts';
import type { MetricsSummary } from '../metrics/types.ts';
import { fmt } from './tables.ts';

const count = (n: number) => n.toLocaleString('en-US');
const percent = (share: number) => `${fmt(share * 100, 1)} %`;
const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${fmt(ms / 1000, 2)} s`);

/**
 * "server saw 1,240 requests, 31.0 % failed (31.0 % rate_limited); users saw 980 operations,
 * 99.2 % succeeded, p95 2.90 s including retries" — null when no control was on.
 */
export function bothViews(summary: MetricsSummary): string | null {
  const ops = summary.operations;
  if (ops === null) return null;
  const { requests } = summary.totals;
  const top = ERROR_NAMES.map((name) => [name, summary.errors[name]] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])[0];
  const server =
    `server saw ${count(requests)} requests, ${percent(summary.error_rate)} failed` +
    (top === undefined || requests === 0 ? '' : ` (${percent(top[1] / requests)} ${top[0]})`);
  const rejected = ops.rejected > 0 ? `, ${percent(ops.rejection_rate)} refused by the client` : '';
  const p95 = summary.latency.operation_duration?.p95;
  const users = `users saw ${count(ops.total)} operations, ${percent(ops.success_rate)} succeeded${rejected}, p95 ${seconds(p95)} including retries`;
  return `${server}; ${users}`;
}

/** The operations' details as label/value rows (retries by cause, rejections, breaker, waits). */
export function operationRows(summary: MetricsSummary): [string, string][] {
  const ops = summary.operations;
  if (ops === null) return [];
  const causes = Object.entries(ops.retries.byCause)
    .map(([cause, n]) => `${cause} ${n}`)
    .join(', ');
  const wait = summary.latency.queue_wait;
  const attempts = summary.latency.attempts_per_operation;
  return [
    [
      'Operations',
      `${count(ops.total)}: ${ops.succeeded} succeeded, ${ops.failed} failed, ${ops.rejected} refused, ${ops.cancelled} cut by streamload (run end, stop timeout)`,
    ],
    ['Operation error rate', `${percent(ops.error_rate)} (requests: ${percent(summary.error_rate)})`],
    ['Retries', `${ops.retries.total}${causes === '' ? '' : ` (${causes})`}`],
    ['Succeeded after retry', String(ops.succeededAfterRetry)],
    ['Failed after all retries', String(ops.failedAfterRetries)],
    [
      'Attempts per operation',
      attempts === undefined ? '—' : `avg ${fmt(attempts.mean, 2)}, max ${attempts.max}`,
    ],
    ['Refused: circuit_open', String(ops.rejections.circuit_open)],
    ['Refused: client_rate_limit', String(ops.rejections.client_rate_limit)],
    [
      'Circuit breaker',
      `opened ${ops.circuitBreaker.opens}×, half-opened ${ops.circuitBreaker.halfOpens}×, closed ${ops.circuitBreaker.closes}×`,
    ],
    [
      'Queue wait (ms)',
      wait === undefined
        ? '—'
        : `${wait.count} waits: avg ${fmt(wait.mean)}, p95 ${fmt(wait.p95)}, max ${fmt(wait.max)}`,
    ],
  ];
}
