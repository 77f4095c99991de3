import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { memoryState } from '../global-state.ts';
import { createRecorder } from '../metrics/recorder.ts';
import { summarize } from '../metrics/summary.ts';
import type { Share } from '../segments/shares.ts';
import { createCoordinator } from './coordinator.ts';
import { createLink } from './link.ts';
import { createMergedRun, type MergedOutcome } from './merged-run.ts';
import { createMemoryPair } from './test-link.ts';
import { createSyntheticShare } from './test-share.ts';
import type { StartShare } from './types.ts';
import { runWorker, type WorkerOptions, type WorkerOutcome } from './worker.ts';

function connect(
  coordinator: ReturnType<typeof createCoordinator>,
  start: StartShare,
  version?: string,
  options: WorkerOptions = {},
) {
  const [masterSide, workerSide] = createMemoryPair();
  coordinator.addLink(createLink(masterSide, 'worker'));
  const link = createLink(workerSide, 'master');
  return { link, outcome: runWorker(link, start, version === undefined ? options : { ...options, version }) };
}

const plan = { users: 5, spawnRate: 5, rate: null, iterations: null };

describe('coordinator with workers over in-memory links', () => {
  test('two workers: shares sum to the plan, merged totals and percentiles equal one recorder of every sample', async () => {
    const whole = createRecorder();
    const shares: Share[] = [];
    const coordinator = createCoordinator({ expectWorkers: 2, config: {}, plan, notice: () => {} });
    const start = createSyntheticShare({ whole: whole, runMs: 2200, started: shares });
    const a = connect(coordinator, start);
    const b = connect(coordinator, start);
    const ticks: number[] = [];
    coordinator.onTick((s) => ticks.push(s.totals.requests));
    await coordinator.started;
    const result = await coordinator.done;
    const outcomes: WorkerOutcome[] = await Promise.all([a.outcome, b.outcome]);
    assert.deepEqual(
      outcomes.map((o) => o.exitCode),
      [0, 0],
    );
    assert.equal(result.partial, null);
    assert.deepEqual(shares.map((s) => s.users).sort(), [2, 3]);
    assert.ok(ticks.length >= 1, 'merged ticks while running');

    const merged = summarize(result.snapshot);
    const reference = summarize(whole.snapshot());
    assert.ok(reference.totals.requests > 100);
    assert.deepEqual(merged.totals, reference.totals);
    assert.deepEqual(merged.errors, reference.errors);
    for (const metric of ['request_duration', 'ttfe', 'inter_event']) {
      assert.deepEqual(merged.latency[metric], reference.latency[metric], metric);
    }
    assert.equal(
      merged.history.reduce((t, r) => t + r.requests, 0) <= merged.totals.requests,
      true,
      'history rows never count more than the totals',
    );
    whole.close();
  });

  test('a version mismatch is refused on both sides; the worker exits 2', async () => {
    const notices: string[] = [];
    const coordinator = createCoordinator({
      expectWorkers: 1,
      config: {},
      plan,
      joinTimeoutMs: 1500,
      notice: (l) => notices.push(l),
    });
    const stale = connect(
      coordinator,
      createSyntheticShare({ whole: createRecorder(), runMs: 100, started: [] }),
      '0.0.1-old',
    );
    const outcome = await stale.outcome;
    assert.equal(outcome.exitCode, 2);
    assert.match(outcome.message, /version mismatch.*0\.0\.1-old/);
    assert.match(notices.join('\n'), /refused .*version mismatch/);
    await assert.rejects(coordinator.done, /waited 2 s for 1 worker\(s\); 0 joined/);
  });

  test('a worker lost mid-run: the run completes, partial with the lost share and its kept measurements', async () => {
    const whole = createRecorder();
    const notices: string[] = [];
    const coordinator = createCoordinator({
      expectWorkers: 2,
      config: {},
      plan,
      notice: (l) => notices.push(l),
    });
    const start = createSyntheticShare({ whole: whole, runMs: 2600, started: [] });
    const a = connect(coordinator, start);
    const b = connect(coordinator, start);
    await coordinator.started;
    setTimeout(() => b.link.close('killed'), 1500);
    const result = await coordinator.done;
    await Promise.all([a.outcome, b.outcome]);
    assert.ok(result.partial !== null);
    assert.equal(result.partial.lostWorkers, 1);
    assert.equal(result.partial.workers, 2);
    assert.match(result.partial.notice, /1 of 2 workers lost.*up to second 1 are kept/);
    assert.match(notices.join('\n'), /lost .*the run continues/);
    const merged = summarize(result.snapshot);
    assert.ok(
      merged.totals.requests > 0 && merged.totals.requests < summarize(whole.snapshot()).totals.requests,
    );
    whole.close();
  });

  test('a late worker is refused (exit 2, a clear line); the run keeps its shares', async () => {
    const shares: Share[] = [];
    const notices: string[] = [];
    const coordinator = createCoordinator({
      expectWorkers: 1,
      config: {},
      plan,
      notice: (l) => notices.push(l),
    });
    const start = createSyntheticShare({ whole: createRecorder(), runMs: 1800, started: shares });
    const a = connect(coordinator, start);
    await coordinator.started;
    const late = connect(coordinator, start);
    const refused = await late.outcome;
    assert.equal(refused.exitCode, 2);
    assert.match(refused.message ?? '', /the run already started: a late worker is refused/);
    await coordinator.done;
    await a.outcome;
    assert.match(notices.join('\n'), /refused .*late worker/);
    assert.equal(shares.length, 1);
    assert.equal(shares[0]!.users, 5, 'the one worker keeps the whole plan');
  });

  test('every worker is assigned one common start time', async () => {
    const configs: Record<string, unknown>[] = [];
    const coordinator = createCoordinator({ expectWorkers: 2, config: { users: 5 }, plan, notice: () => {} });
    const before = Date.now();
    const whole = createRecorder();
    const start: StartShare = (config, share) => {
      configs.push(config);
      return createSyntheticShare({ whole, runMs: 300 })(config, share);
    };
    const workers = [connect(coordinator, start), connect(coordinator, start)];
    await coordinator.done;
    await Promise.all(workers.map((w) => w.outcome));
    assert.equal(configs.length, 2);
    assert.equal(configs[0]!.startAt, configs[1]!.startAt);
    assert.ok((configs[0]!.startAt as number) >= before);
    whole.close();
  });

  test("a stopped merged run: status stopped, every worker's warnings once, naming its segments", async () => {
    const coordinator = createCoordinator({ expectWorkers: 2, config: {}, plan, notice: () => {} });
    const whole = createRecorder();
    // Both workers hit the same cap; only the second saturates.
    const start: StartShare = (config, share) =>
      createSyntheticShare({
        whole,
        runMs: 60_000,
        warnings: share.index === 0 ? ['cap reached'] : ['cap reached', 'saturated'],
      })(config, share);
    const workers = [connect(coordinator, start), connect(coordinator, start)];
    let seen: MergedOutcome | undefined;
    const handle = createMergedRun(coordinator, (_result, outcome) => {
      seen = outcome;
      return {} as never;
    });
    await coordinator.started;
    setTimeout(() => handle.stop(), 300);
    await handle.done;
    await Promise.all(workers.map((w) => w.outcome));
    assert.deepEqual(seen, {
      status: 'stopped',
      warnings: ['segments 1/2, 2/2: cap reached', 'segment 2/2: saturated'],
    });
    const result = await coordinator.done;
    assert.deepEqual(
      result.workers.map((w) => w.status),
      ['stopped', 'stopped'],
    );
    whole.close();
  });

  test('a worker stopped by its own Ctrl-C: stopped with its measurements, partial, a notice naming its segment', async () => {
    const notices: string[] = [];
    const coordinator = createCoordinator({
      expectWorkers: 2,
      config: {},
      plan,
      notice: (l) => notices.push(l),
    });
    const whole = createRecorder();
    const start = createSyntheticShare({ whole, runMs: 2500 });
    const own = memoryState();
    const a = connect(coordinator, start);
    const b = connect(coordinator, start, undefined, { onStopSignal: own.onStopSignal });
    await coordinator.started;
    await new Promise((r) => setTimeout(r, 1200));
    own.signal('SIGINT');
    const result = await coordinator.done;
    const outcomes = await Promise.all([a.outcome, b.outcome]);
    assert.deepEqual(
      outcomes.map((o) => o.exitCode),
      [0, 0],
    );
    assert.match(outcomes[1]!.message, /stopped on its own SIGINT/);
    assert.deepEqual(
      result.workers.map((w) => w.status),
      ['completed', 'stopped'],
    );
    assert.ok((result.workers[1]!.totals?.requests ?? 0) > 0, 'its measurements are kept');
    assert.equal(result.partial?.lostWorkers, 1);
    assert.match(
      result.partial?.notice ?? '',
      /1 of 2 workers stopped before their share ended.*segment 2\/2/,
    );
    assert.match(notices.join('\n'), /stopped on its own: segment 2\/2 .*ends early/);
    assert.doesNotMatch(notices.join('\n'), /lost/);
    whole.close();
  });
});
