import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ERROR_NAMES } from './names.ts';
import { createRecorder } from './recorder.ts';
import { mergeSnapshots, type Snapshot } from './snapshot.ts';
import { summarize } from './summary.ts';
import { createTestClock } from './test-clock.ts';
import type { MetricsSummary, Recorder, RequestResult } from './types.ts';

/** mulberry32: a small seeded PRNG so a failing fast-check seed replays the same workload. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Workload {
  readonly parts: Snapshot[];
  readonly whole: Snapshot;
  readonly partMaxima: number[];
}

/**
 * Drives `workers` recorders and one "whole" recorder with the same random samples on one shared
 * clock: every operation goes to one worker and to the whole; every second all of them tick.
 */
function runWorkload(seed: number, workers: number, seconds: number): Workload {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const ms = (max: number): number => Math.round(random() * max * 1000) / 1000 + random() * 1e-3;
  const clock = createTestClock();
  const parts = Array.from({ length: workers }, () => createRecorder(clock));
  const whole = createRecorder(clock);
  const all = [...parts, whole];
  const open: number[] = parts.map(() => 0);
  const users: number[] = parts.map(() => 0);
  try {
    let nextTick = 1000;
    const end = seconds * 1000 + 321; // a partial last second stays open (not ticked)
    while (clock.nowMs() < end) {
      const k = Math.floor(random() * workers);
      const part = parts[k]!;
      const both = (f: (r: Recorder) => void): void => {
        f(part);
        f(whole);
      };
      const op = random();
      if (op < 0.15) {
        both((r) => r.streamOpened());
        open[k]!++;
      } else if (op < 0.28 && open[k]! > 0) {
        both((r) => r.streamClosed());
        open[k]!--;
      } else if (op < 0.6) {
        const size = 20 + Math.floor(random() * 400);
        const gap = random() < 0.2 ? undefined : ms(80);
        both((r) => r.event(size, gap));
      } else if (op < 0.9) {
        const result = randomResult(random, pick, ms);
        both((r) => r.request(result));
      } else if (op < 0.93) {
        const title = pick(['LLM', 'Start', 'End']);
        const value = ms(900);
        both((r) => r.value(`node_duration.${title}`, value));
      } else if (op < 0.96) {
        users[k] = Math.floor(random() * 50);
        part.setUsers(users[k]!);
        whole.setUsers(users.reduce((a, b) => a + b, 0));
      } else {
        const sample = {
          loopDelayP50Ms: ms(5),
          loopDelayP99Ms: ms(50),
          loopDelayMaxMs: ms(200),
          cpu: Math.round(random() * 1000) / 1000,
        };
        both((r) => r.generatorSample(sample));
      }
      const step = Math.floor(random() * 25);
      if (clock.nowMs() + step >= nextTick && nextTick <= seconds * 1000) {
        clock.at(nextTick);
        for (const r of all) r.tick();
        nextTick += 1000;
      } else {
        clock.advance(step);
      }
    }
    const snapshots = parts.map((p) => p.snapshot());
    return {
      parts: snapshots,
      whole: whole.snapshot(),
      partMaxima: snapshots.map((s) => s.connections.maxConcurrent),
    };
  } finally {
    for (const r of all) r.close();
  }
}

function randomResult(
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
  ms: (max: number) => number,
): RequestResult {
  const stream = random() < 0.7;
  const ok = random() < 0.8;
  const error = ok ? undefined : pick(ERROR_NAMES);
  const maybe = (max: number): number | undefined => (random() < 0.8 ? ms(max) : undefined);
  return {
    method: pick(['GET', 'POST']),
    name: pick(['/v1/workflows/run', '/v1/chat-messages', '/health']),
    ok,
    error,
    // One message per error name, so "first message seen" cannot depend on which worker saw it.
    message: error === undefined ? undefined : `sample ${error}`,
    durationMs: ms(5000),
    contentBytes: Math.floor(random() * 50_000),
    ttfbMs: maybe(300),
    ttfeMs: maybe(800),
    ttftMs: maybe(1500),
    tpotMs: stream ? maybe(40) : undefined,
    streamDurationMs: stream ? maybe(4000) : undefined,
    stream,
    events: stream ? Math.floor(random() * 300) : 0,
    tokens: Math.floor(random() * 600),
    scheduleLagMs: random() < 0.3 ? ms(100) : undefined,
  };
}

/** Everything but maxConcurrent, which a merge can only bound (see mergeSnapshots). */
function comparable(summary: MetricsSummary): unknown {
  return { ...summary, connections: { avgActive: summary.connections.avgActive } };
}

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
