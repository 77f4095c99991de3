import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createRecorder } from './recorder.ts';
import { mergeSnapshots, type Snapshot } from './snapshot.ts';
import { summarize } from './summary.ts';
import { createTestClock } from './test-clock.ts';
import { comparable, runWorkload } from './test-workload.ts';
import type { RequestResult } from './types.ts';

describe('mergeSnapshots is exact', () => {
  test('N recorders merged = one recorder that saw every sample (every stat, every second)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 2, max: 4 }), (seed, workers) => {
        const { parts, whole, partMaxima } = runWorkload(seed, workers, 4);
        const merged = summarize(mergeSnapshots(parts));
        const expected = summarize(whole);
        assert.ok(expected.totals.requests > 0 && expected.history.length === 4);
        assert.deepEqual(comparable(merged), comparable(expected));
        // The bound: never below the true peak, never above the sum of the parts' peaks.
        const max = merged.connections.maxConcurrent;
        assert.ok(max >= expected.connections.maxConcurrent, `${max} < true peak`);
        assert.ok(max <= partMaxima.reduce((a, b) => a + b, 0));
      }),
      { numRuns: 12 },
    );
  });

  test('JSON.stringify → parse → merge gives the same summary, in any order', () => {
    const { parts, whole } = runWorkload(42, 3, 3);
    const wired = parts.map((s) => JSON.parse(JSON.stringify(s)) as Snapshot);
    const expected = comparable(summarize(whole));
    assert.deepEqual(comparable(summarize(mergeSnapshots(wired))), expected);
    assert.deepEqual(comparable(summarize(mergeSnapshots(wired.toReversed()))), expected);
    // A merged snapshot merges again (a master of masters).
    const [a, b, c] = wired;
    const nested = mergeSnapshots([mergeSnapshots([a!, b!]), c!]);
    assert.deepEqual(comparable(summarize(nested)), expected);
  });
});

describe('mergeSnapshots details', () => {
  test('a single snapshot passes through unchanged', () => {
    const { parts } = runWorkload(7, 1, 2);
    assert.equal(mergeSnapshots(parts), parts[0]);
  });

  test('refuses nothing to merge and a foreign schema', () => {
    assert.throws(() => mergeSnapshots([]), RangeError);
    const { parts } = runWorkload(7, 2, 1);
    const foreign = { ...parts[0]!, schema: 'streamload.snapshot/v0' } as unknown as Snapshot;
    assert.throws(() => mergeSnapshots([parts[1]!, foreign]), /schema streamload\.snapshot\/v0/);
  });

  test('sample messages: the first snapshot that has one wins', () => {
    const clock = createTestClock();
    const [a, b] = [createRecorder(clock), createRecorder(clock)];
    try {
      const fail = (message: string): RequestResult => ({
        method: 'GET',
        name: '/x',
        ok: false,
        error: 'http_5xx',
        message,
        durationMs: 1,
        contentBytes: 0,
        stream: false,
        events: 0,
        tokens: 0,
      });
      a.request(fail('from a'));
      b.request(fail('from b'));
      b.request(fail('from b again'));
      const merged = mergeSnapshots([b.snapshot(), a.snapshot()]);
      assert.equal(merged.errorSamples.http_5xx, 'from b');
      assert.deepEqual(merged.failures, [
        { method: 'GET', name: '/x', error: 'http_5xx', message: 'from b', occurrences: 3 },
      ]);
    } finally {
      a.close();
      b.close();
    }
  });

  test('maxConcurrent: exact in steady state, an upper bound when peaks do not overlap', () => {
    const clock = createTestClock();
    const [a, b] = [createRecorder(clock), createRecorder(clock)];
    try {
      a.streamOpened();
      a.streamOpened();
      b.streamOpened();
      clock.at(1000);
      a.tick();
      b.tick();
      assert.equal(mergeSnapshots([a.snapshot(), b.snapshot()]).connections.maxConcurrent, 3);
      // Within the next second a peaks at 4 while b is idle, then b peaks at 3 while a is back at 2.
      a.streamOpened();
      a.streamOpened();
      a.streamClosed();
      a.streamClosed();
      b.streamOpened();
      b.streamOpened();
      const merged = mergeSnapshots([a.snapshot(), b.snapshot()]);
      // True peak: max(4 + 1, 2 + 3) = 5; the per-second peaks allow 4 + 3 = 7.
      assert.equal(merged.connections.maxConcurrent, 7);
      assert.equal(merged.connections.active, 5);
    } finally {
      a.close();
      b.close();
    }
  });
});
