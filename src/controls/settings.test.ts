import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeControls, resolveControls } from './settings.ts';

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
