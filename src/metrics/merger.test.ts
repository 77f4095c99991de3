import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createSnapshotMerger } from './merger.ts';
import { createRecorder } from './recorder.ts';
import { mergeSnapshots } from './snapshot.ts';
import { summarize } from './summary.ts';
import { createTestClock } from './test-clock.ts';
import { comparable, runWorkload } from './test-workload.ts';

describe('createSnapshotMerger', () => {
  test('workers sending only new rows every second = one recorder that saw everything', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 3 }), (seed, workers) => {
        const merger = createSnapshotMerger();
        let sends = 0;
        const { parts, whole } = runWorkload(seed, workers, 4, (recorders, second) => {
          recorders.forEach((r, i) => {
            // Worker 0 skips second 2's report, so second 3 brings two rows at once.
            if (i === 0 && second === 2) return;
            const id = `worker-${i}`;
            merger.add(id, r.snapshot({ historyAfterS: merger.lastSecond(id) }));
            sends++;
          });
        });
        // The final reports (as after stop), here with the full history: already-merged rows are skipped.
        parts.forEach((s, i) => {
          merger.add(`worker-${i}`, s);
        });
        assert.ok(sends >= 4 * workers - 1);
        const live = summarize(merger.merged());
        assert.deepEqual(comparable(live), comparable(summarize(whole)));
        assert.deepEqual(live, summarize(mergeSnapshots(parts)));
      }),
      { numRuns: 8 },
    );
  });

  test('lastSecond follows the rows merged per source', () => {
    const clock = createTestClock();
    const r = createRecorder(clock);
    try {
      const merger = createSnapshotMerger();
      assert.equal(merger.lastSecond('a'), 0);
      clock.at(1000);
      r.tick();
      clock.at(2000);
      r.tick();
      const first = r.snapshot({ historyAfterS: merger.lastSecond('a') });
      assert.equal(first.history.length, 2);
      merger.add('a', first);
      assert.equal(merger.lastSecond('a'), 2);
      clock.at(3000);
      r.tick();
      const next = r.snapshot({ historyAfterS: merger.lastSecond('a') });
      assert.deepEqual(
        next.history.map((row) => row.elapsedS),
        [3],
      );
      merger.add('a', next);
      assert.deepEqual(
        merger.merged().history.map((row) => row.elapsedS),
        [1, 2, 3],
      );
    } finally {
      r.close();
    }
  });

  test('a restart (end of --warmup) starts a new merge; sources not yet restarted wait for theirs', () => {
    const clock = createTestClock();
    const [a, b] = [createRecorder(clock), createRecorder(clock)];
    const ok = (over: object = {}) => ({
      method: 'GET',
      name: '/',
      ok: true,
      durationMs: 5,
      contentBytes: 1,
      stream: false,
      events: 0,
      tokens: 0,
      ...over,
    });
    try {
      const merger = createSnapshotMerger();
      assert.throws(() => merger.merged(), RangeError);
      a.request(ok());
      b.request(ok());
      clock.at(1000);
      a.tick();
      b.tick();
      merger.add('a', a.snapshot());
      merger.add('b', b.snapshot());
      assert.equal(merger.merged().totals.requests, 2);
      clock.at(1500);
      a.reset();
      a.request(ok());
      merger.add('a', a.snapshot());
      merger.add('b', b.snapshot()); // b still in its warmup: ignored
      assert.equal(merger.merged().totals.requests, 1, 'only what a measured after its restart');
      clock.at(1600);
      b.reset();
      b.request(ok());
      b.request(ok());
      clock.at(2500);
      a.tick();
      b.tick();
      merger.add('b', b.snapshot());
      merger.add('a', a.snapshot());
      const merged = merger.merged();
      assert.equal(merged.totals.requests, 3);
      assert.deepEqual(
        merged.history.map((row) => [row.elapsedS, row.requests]),
        [[1, 3]],
      );
      merger.reset();
      merger.add('a', a.snapshot());
      assert.equal(merger.merged().totals.requests, 1);
    } finally {
      a.close();
      b.close();
    }
  });
});
