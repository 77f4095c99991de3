/**
 * `--segment i/N`: each segment computes its share from its segment alone, and N segments together
 * do exactly the work of one unsegmented run (iterations, users, spawn rate, arrivals).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createArrivals } from '../engine/arrivals.ts';
import { stageValue } from '../engine/executors/stages.ts';
import { segmentConfig } from '../run-config/share-config.ts';
import { formatSegment, parseSegment, type Segment, takesArrival } from '../segments/shares.ts';

const segments = (of: number): Segment[] => Array.from({ length: of }, (_, index) => ({ index, of }));

test('--segment i/N parses 1-based and refuses what is not a segment', () => {
  assert.deepEqual(parseSegment('2/3'), { index: 1, of: 3 });
  assert.equal(formatSegment({ index: 1, of: 3 }), '2/3');
  for (const bad of ['0/3', '4/3', '1/0', 'a/b', '1', '1/2/3', '-1/2'])
    assert.equal(typeof parseSegment(bad), 'string', bad);
});

test('--iterations 300 over 1, 2 and 3 segments sums to 300 (also with fewer users than segments)', () => {
  for (const users of [10, 2]) {
    for (const n of [1, 2, 3]) {
      const parts = segments(n).map((segment) =>
        segmentConfig({ users, spawnRate: 5, rate: null, iterations: 300, stages: null, seed: 1, segment }),
      );
      assert.equal(
        parts.reduce((t, p) => t + (p.iterations ?? 0), 0),
        300,
      );
      assert.equal(
        parts.reduce((t, p) => t + p.users, 0),
        users,
      );
      // A segment without users gets no iterations it could never run.
      assert.ok(parts.every((p) => p.users > 0 || p.iterations === 0));
      assert.equal(Math.round(parts.reduce((t, p) => t + p.spawnRate, 0) * 1000), 5000);
    }
  }
});

test('user-stage targets split into integer parts that sum to each target', () => {
  const parts = segments(3).map((segment) =>
    segmentConfig({ users: 0, stages: [{ durationS: 5, target: 10 }], rate: null, segment }),
  );
  assert.deepEqual(
    parts.map((p) => p.stages?.[0]?.target),
    [4, 3, 3],
  );
});

/**
 * The open executor's schedule, as open.ts steps it (rate read at each arrival's scheduled
 * instant), counting for each second which segment fires the arrival.
 */
function arrivalsPerSecond(
  rate: number,
  stages: { durationS: number; target: number }[],
  kind: 'constant' | 'poisson',
  segment: Segment | null,
): number[] {
  const nextGap = createArrivals({ kind, burstiness: 1, seed: 7 });
  const counts: number[] = [];
  let at = 0;
  for (let seq = 0; seq < 1_000_000; seq++) {
    const r = stageValue(stages, rate, at / 1000);
    if (r === null) break;
    if (segment === null || takesArrival(seq, segment)) {
      const s = Math.floor(at / 1000);
      counts[s] = (counts[s] ?? 0) + 1;
    }
    at += nextGap(r);
  }
  return Array.from(counts, (c) => c ?? 0);
}

test('rate stages 2.5 and 0.5 over 2 segments: 1.25 and 0.25 each, summing to 2.5 and 0.5 (D5)', () => {
  // A step: 20 s at 2.5/s, then (a 1 ms ramp) 20 s at 0.5/s.
  const stages = [
    { durationS: 20, target: 2.5 },
    { durationS: 0.001, target: 0.5 },
    { durationS: 20, target: 0.5 },
  ];
  for (const kind of ['constant', 'poisson'] as const) {
    const whole = arrivalsPerSecond(2.5, stages, kind, null);
    const parts = segments(2).map((s) => arrivalsPerSecond(2.5, stages, kind, s));
    // Every second, the segments together fire exactly the arrivals of the whole run.
    whole.forEach((count, second) => {
      assert.equal((parts[0]![second] ?? 0) + (parts[1]![second] ?? 0), count, `${kind} second ${second}`);
    });
    if (kind === 'constant') {
      const sum = (a: number[], from: number, to: number) => a.slice(from, to).reduce((t, c) => t + c, 0);
      // 2.5/s for 20 s; 0.5/s for 20 s (+1: the arrival due at the step, scheduled at 2.5/s).
      assert.deepEqual([sum(whole, 0, 20), sum(whole, 20, 40)], [50, 11]);
      assert.deepEqual([sum(parts[0]!, 0, 20), sum(parts[0]!, 20, 40)], [25, 6]);
      assert.deepEqual([sum(parts[1]!, 0, 20), sum(parts[1]!, 20, 40)], [25, 5]);
    }
  }
});

test('the open model keeps the whole rate and stages in every segment, and splits the in-flight cap', () => {
  const stages = [{ durationS: 10, target: 0.5 }];
  const part = segmentConfig({ users: 0, rate: 2.5, stages, maxInFlight: 5, segment: { index: 1, of: 2 } });
  assert.equal(part.rate, 2.5);
  assert.deepEqual(part.stages, stages);
  assert.equal(part.maxInFlight, 2);
});
