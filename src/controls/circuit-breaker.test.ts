import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestClock } from '../metrics/test-clock.ts';
import { type BreakerState, createCircuitBreaker } from './circuit-breaker.ts';

function setup(halfOpen = 1) {
  const clock = createTestClock();
  const changes: BreakerState[] = [];
  const breaker = createCircuitBreaker({
    failures: 3,
    windowMs: 10_000,
    openMs: 5_000,
    halfOpen,
    nowMs: clock.nowMs,
    onStateChange: (state) => changes.push(state),
  });
  const fail = () => breaker.record(breaker.tryAcquire()!, false);
  return { clock, breaker, changes, fail };
}

test('closed → open after the threshold of failures within the window', () => {
  const { clock, breaker, changes, fail } = setup();
  fail();
  clock.advance(11_000); // the first failure leaves the window
  fail();
  fail();
  assert.equal(breaker.state(), 'closed');
  fail();
  assert.equal(breaker.state(), 'open');
  assert.equal(breaker.tryAcquire(), null);
  assert.deepEqual(changes, ['open']);
});

test('open → half-open after the open time; a probe success closes, a probe failure reopens', () => {
  const { clock, breaker, changes, fail } = setup();
  fail();
  fail();
  fail();
  clock.advance(4_999);
  assert.equal(breaker.tryAcquire(), null);
  clock.advance(1);
  const probe = breaker.tryAcquire();
  assert.ok(probe?.probe);
  assert.equal(breaker.tryAcquire(), null, 'one probe at a time');
  breaker.record(probe!, false);
  assert.equal(breaker.state(), 'open');
  clock.advance(5_000);
  const second = breaker.tryAcquire()!;
  breaker.record(second, true);
  assert.equal(breaker.state(), 'closed');
  assert.deepEqual(changes, ['open', 'half-open', 'open', 'half-open', 'closed']);
});

test('outcomes of requests granted in an earlier state do not move the present one', () => {
  const { clock, breaker, fail } = setup(2);
  const early = breaker.tryAcquire()!;
  fail();
  fail();
  fail();
  clock.advance(5_000);
  const probe = breaker.tryAcquire()!;
  breaker.record(early, true); // began while closed: says nothing about the half-open state
  assert.equal(breaker.state(), 'half-open');
  assert.ok(breaker.tryAcquire(), 'a second probe slot');
  breaker.record(probe, true);
  assert.equal(breaker.state(), 'closed');
});

test('successes in the closed state do not reset the window count', () => {
  const { breaker, fail } = setup();
  fail();
  breaker.record(breaker.tryAcquire()!, true);
  fail();
  fail();
  assert.equal(breaker.state(), 'open');
});
