import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom } from '../util/random.ts';
import { backoffDelayMs, parseRetryAfterMs, retryDelayMs } from './backoff.ts';

const policy = { minMs: 500, maxMs: 30_000 } as const;

test('without jitter the schedule doubles from min and stops at max', () => {
  const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((n) =>
    backoffDelayMs(n, { ...policy, jitter: 'none' }, Math.random),
  );
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
});

test('full jitter is uniform in [0, d); equal jitter in [d/2, d); both reproducible from a seed', () => {
  const schedule = (jitter: 'full' | 'equal', seed: number) => {
    const random = createRandom(seed);
    return [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(n, { ...policy, jitter }, random.next));
  };
  const full = schedule('full', 42);
  assert.deepEqual(full, schedule('full', 42));
  assert.notDeepEqual(full, schedule('full', 43));
  full.forEach((d, i) => {
    const cap = Math.min(30_000, 500 * 2 ** i);
    assert.ok(d >= 0 && d < cap, `retry ${i + 1}: ${d}`);
  });
  schedule('equal', 42).forEach((d, i) => {
    const cap = Math.min(30_000, 500 * 2 ** i);
    assert.ok(d >= cap / 2 && d < cap, `retry ${i + 1}: ${d}`);
  });
  // Full jitter spreads a herd: 1000 clients' first retries cover the interval.
  const random = createRandom(7);
  const firsts = Array.from({ length: 1000 }, () =>
    backoffDelayMs(1, { ...policy, jitter: 'full' }, random.next),
  );
  assert.ok(Math.min(...firsts) < 50 && Math.max(...firsts) > 450);
});

test('Retry-After: seconds or an HTTP date, honoured and capped by the backoff max', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfterMs('2', now), 2000);
  assert.equal(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000);
  assert.equal(parseRetryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
  assert.equal(parseRetryAfterMs('soon', now), undefined);
  assert.equal(parseRetryAfterMs(undefined, now), undefined);
  const p = { ...policy, jitter: 'full' } as const;
  assert.equal(
    retryDelayMs(1, p, () => 0.5, 3000),
    3000,
  );
  assert.equal(
    retryDelayMs(1, p, () => 0.5, 120_000),
    30_000,
  );
  assert.equal(
    retryDelayMs(1, p, () => 0.5, undefined),
    250,
  );
});

test('Retry-After: an invalid value is ignored (the backoff applies), never "retry now"', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  for (const bad of ['-5', '1.5', '+3', '5s', '', 'Thu, 01 Jan 2026 00:00:05', '0x10', '1e3'])
    assert.equal(parseRetryAfterMs(bad, now), undefined, JSON.stringify(bad));
  // The obsolete forms RFC 9110 §5.6.7 requires recipients to accept.
  assert.equal(parseRetryAfterMs('Thursday, 01-Jan-26 00:00:05 GMT', now), 5000);
  assert.equal(parseRetryAfterMs('Thu Jan  1 00:00:05 2026', now), 5000);
  assert.equal(parseRetryAfterMs(' 3 ', now), 3000);
  const p = { ...policy, jitter: 'none' } as const;
  assert.equal(retryDelayMs(2, p, Math.random, parseRetryAfterMs('-5', now)), 1000);
});
