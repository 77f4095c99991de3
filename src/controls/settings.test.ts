import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  mergeControls,
  parseBackoff,
  parseCircuitBreaker,
  parseRetryOn,
  resolveControls,
} from './settings.ts';

test('option specs parse; bad ones throw a message naming the part', () => {
  assert.deepEqual(parseBackoff('500ms..30s'), { minMs: 500, maxMs: 30_000 });
  assert.throws(() => parseBackoff('30s..1s'), /MIN ≤ MAX/);
  assert.throws(() => parseBackoff('500ms'), /MIN\.\.MAX/);
  assert.deepEqual(parseRetryOn('429,5xx'), ['rate_limited', 'http_5xx']);
  assert.throws(() => parseRetryOn('418'), /unknown retry cause "418"/);
  assert.deepEqual(parseCircuitBreaker('failures=10,window=30s,open=60s,half-open=1'), {
    failures: 10,
    windowMs: 30_000,
    openMs: 60_000,
    halfOpen: 1,
  });
  assert.deepEqual(parseCircuitBreaker('failures=5'), {
    failures: 5,
    windowMs: 30_000,
    openMs: 60_000,
    halfOpen: 1,
  });
  assert.throws(() => parseCircuitBreaker('window=1s'), /failures/);
  assert.throws(() => parseCircuitBreaker('failures=5,opn=1s'), /unknown key "opn"/);
});

test('run options override the scenario; shares of rate, burst and concurrency sum to the whole', () => {
  const settings = resolveControls({ retry: 2 }, { retry: 5, clientRate: 7, jitter: 'equal' });
  assert.equal(settings.retry.retries, 2);
  assert.equal(settings.clientRate, 7);
  assert.equal(settings.retry.backoff.jitter, 'equal');
  const shares = [0, 1, 2].map((index) =>
    resolveControls({ clientRate: 20, clientBurst: 5, maxConcurrency: 5 }, undefined, { index, of: 3 }),
  );
  assert.equal(Math.round(shares.reduce((t, s) => t + s.clientRate!, 0) * 1000), 20_000);
  assert.equal(
    shares.reduce((t, s) => t + s.clientBurst, 0),
    5,
  );
  assert.equal(
    shares.reduce((t, s) => t + s.maxConcurrency!, 0),
    5,
  );
});

test("mergeControls: the run's own over the scenario's, null where neither gives one", () => {
  assert.deepEqual(
    mergeControls(
      { retry: 2, clientRate: null, jitter: null, circuitBreaker: null },
      { retry: 5, clientRate: 7, jitter: 'equal' },
    ),
    { retry: 2, clientRate: 7, jitter: 'equal', circuitBreaker: null },
  );
  assert.deepEqual(mergeControls({ retry: null }, undefined), { retry: null });
});
