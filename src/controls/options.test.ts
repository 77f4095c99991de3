import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBackoff, parseCircuitBreaker, parseRetryOn } from './options.ts';

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
