/**
 * Exactness, provable (issue 16 "Done when"): a share whose samples depend only on the global
 * iteration index (test-share.ts iterationShare) does `--iterations 300` as one unsegmented run,
 * and split over 1, 2 and 3 segments three ways — `--processes` children, master + workers over
 * WebSocket, separate `--segment` runs merged like `streamload merge` — and every merged result
 * has the same totals, errors, per-endpoint stats, every histogram's percentiles and the same
 * encoded histograms as the unsegmented run. (Against a live server latencies differ run to run;
 * test/distributed/segments.test.ts checks the real engine's totals and per-request counts.)
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createCoordinator } from '../../src/distributed/coordinator.ts';
import { forkProcesses } from '../../src/distributed/processes.ts';
import { iterationShare } from '../../src/distributed/test-share.ts';
import { runWorker } from '../../src/distributed/worker.ts';
import { connectToMaster, listenForWorkers } from '../../src/distributed/ws.ts';
import type { Snapshot } from '../../src/metrics/snapshot.ts';
import { mergeSegmentRuns } from '../../src/report/merge-segments.ts';
import { buildRunJson } from '../../src/report/run-json.ts';
import type { RunJson } from '../../src/report/types.ts';
import { planOf } from '../../src/run-config/share-config.ts';
import { type Segment, splitPlan } from '../../src/segments/shares.ts';

const CHILD_ENTRY = fileURLToPath(new URL('../../src/cli/process-child.ts', import.meta.url));
const SHARE_MODULE = fileURLToPath(new URL('../../src/distributed/test-share.ts', import.meta.url));
const config = { users: 6, iterations: 300, syntheticShare: 'iterations' };
const plan = planOf(config);

/** One segment's share, run in this process. */
const runSegment = async (segment: Segment) =>
  (await iterationShare(config, splitPlan(plan, segment.of)[segment.index]!)).done;

/** A run.json as `run --segment i/N --start-at T` writes it (the snapshot kept for `merge`). */
function runJson(snapshot: Snapshot, segment: Segment | null): RunJson {
  return buildRunJson({
    snapshot,
    status: 'completed',
    startedAt: new Date(0),
    endedAt: new Date(1000),
    config: { ...config, segment, startAt: 0 },
    environment: {} as RunJson['environment'],
    evaluate: () => [],
    warnings: [],
    keepSnapshot: true,
  });
}

/** What must not depend on the split: no rates (they divide by time), no history. */
function work(run: Pick<RunJson, 'totals' | 'errors' | 'latency' | 'requests'>) {
  return {
    totals: run.totals,
    errors: run.errors,
    latency: run.latency,
    requests: run.requests.map(({ rps: _r, failuresPerSec: _f, ...entry }) => entry),
  };
}

describe('merged results are exact: 1, 2 and 3 segments equal one unsegmented run', {
  timeout: 240_000,
}, () => {
  let whole: RunJson;
  test('the unsegmented run', async () => {
    whole = runJson((await runSegment({ index: 0, of: 1 })).snapshot, null);
    assert.equal(whole.totals.requests, 300);
    assert.ok(whole.totals.failures > 0 && Object.keys(whole.latency).length >= 5);
  });
  const assertExact = (snapshot: Snapshot, what: string) => {
    const merged = runJson(snapshot, null);
    assert.deepEqual(work(merged), work(whole), what);
    assert.deepEqual(merged.histograms, whole.histograms, `${what}: encoded histograms`);
  };

  for (const n of [1, 2, 3]) {
    test(`--processes ${n}`, async () => {
      const pool = forkProcesses({
        processes: n,
        config,
        plan,
        entry: CHILD_ENTRY,
        args: [SHARE_MODULE],
        notice: () => {},
      });
      try {
        const result = await pool.done;
        assert.equal(result.partial, null);
        assertExact(result.snapshot, `--processes ${n}`);
      } finally {
        await pool.close();
      }
    });

    test(`master + ${n} workers`, async () => {
      const coordinator = createCoordinator({ expectWorkers: n, config, plan, notice: () => {} });
      const listener = await listenForWorkers(coordinator, { host: '127.0.0.1', port: 0, token: 'tok' });
      try {
        const outcomes = Array.from({ length: n }, async () =>
          runWorker(await connectToMaster('127.0.0.1', listener.port, { retryForMs: 5000 }), iterationShare, {
            token: 'tok',
          }),
        );
        const result = await coordinator.done;
        assert.deepEqual(
          (await Promise.all(outcomes)).map((o) => o.exitCode),
          Array(n).fill(0),
        );
        assert.equal(result.partial, null);
        assertExact(result.snapshot, `master + ${n} workers`);
      } finally {
        await listener.close();
      }
    });

    test(`${n} --segment runs merged (streamload merge)`, async () => {
      const segments = Array.from({ length: n }, (_, index) => ({ index, of: n }));
      const runs = await Promise.all(
        segments.map(async (segment) => ({
          file: `seg${segment.index + 1}/run.json`,
          run: runJson((await runSegment(segment)).snapshot, segment),
        })),
      );
      const merged = mergeSegmentRuns(runs);
      assert.ok(typeof merged !== 'string', String(merged));
      assert.equal(merged.partial, null);
      assert.deepEqual(work(merged), work(whole));
      assert.deepEqual(merged.histograms, whole.histograms);
    });
  }
});
