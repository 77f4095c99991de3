import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestClock } from '../metrics/test-clock.ts';
import { createTokenBucket, LimiterClosedError } from './token-bucket.ts';

test('a full bucket gives its burst at once, then paces at the rate in call order', () => {
  const clock = createTestClock();
  const bucket = createTokenBucket({ rate: 20, burst: 3, nowMs: clock.nowMs });
  assert.deepEqual([bucket.reserve(), bucket.reserve(), bucket.reserve()], [0, 0, 0]);
  // Queued reservations: the 4th waits one interval (50 ms), the 5th two.
  assert.equal(bucket.reserve(), 50);
  assert.equal(bucket.reserve(), 100);
  clock.advance(100);
  assert.equal(bucket.available(), 0);
  clock.advance(50);
  assert.equal(bucket.reserve(), 0);
});

test('tokens never pile up beyond the burst during a quiet spell', () => {
  const clock = createTestClock();
  const bucket = createTokenBucket({ rate: 10, burst: 2, nowMs: clock.nowMs });
  clock.advance(60_000);
  assert.equal(bucket.available(), 2);
  assert.deepEqual([bucket.reserve(), bucket.reserve(), bucket.reserve()], [0, 0, 100]);
});

test('over a span, requests granted = burst + rate × span, however many queue', () => {
  const clock = createTestClock();
  const bucket = createTokenBucket({ rate: 20, burst: 1, nowMs: clock.nowMs });
  const waits = Array.from({ length: 700 }, () => bucket.reserve());
  assert.equal(waits.filter((ms) => ms <= 30_000).length, 601);
});

test('take waits its turn; close rejects the waiters', async () => {
  const bucket = createTokenBucket({ rate: 1000, burst: 1 });
  assert.equal(await bucket.take(), 0);
  const waited = await bucket.take();
  assert.ok(waited > 0 && waited <= 1.5, `waited ${waited}`);
  const slow = createTokenBucket({ rate: 0.01, burst: 1 });
  await slow.take();
  const pending = slow.take();
  slow.close();
  await assert.rejects(pending, LimiterClosedError);
  await assert.rejects(slow.take(), LimiterClosedError);
});

test('bad settings are refused', () => {
  assert.throws(() => createTokenBucket({ rate: 0 }), RangeError);
  assert.throws(() => createTokenBucket({ rate: 1, burst: 0 }), RangeError);
});
