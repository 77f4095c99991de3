import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../errors.ts';
import { createRecorder } from '../metrics/recorder.ts';
import { createTestClock } from '../metrics/test-clock.ts';
import { prng } from '../metrics/test-workload.ts';
import { MAX_BLOCKS } from './blocks.ts';
import { compareSides } from './compare.ts';
import { parseTolerances } from './compare-inputs.ts';
import type { CompareOptions, CompareSide } from './compare-types.ts';
import { buildRunJson } from './run-json.ts';
import type { RunEnvironment, RunJson } from './types.ts';

interface Shape {
  readonly seconds?: number;
  readonly perSecond?: number;
  readonly ttftMs?: number;
  readonly failEvery?: number;
}

/** A run of seeded synthetic requests: ttft ± 10 %, 10 tokens 20 ms ± 5 ms apart. */
function syntheticRun(seed: number, shape: Shape = {}): RunJson {
  const { seconds = 20, perSecond = 40, ttftMs = 200, failEvery = 0 } = shape;
  const clock = createTestClock();
  const recorder = createRecorder({ nowMs: clock.nowMs, wallClockMs: clock.wallClockMs });
  const random = prng(seed);
  let n = 0;
  for (let s = 0; s < seconds; s++) {
    for (let i = 0; i < perSecond; i++) {
      const ttft = ttftMs * (0.9 + 0.2 * random());
      for (let t = 0; t < 10; t++) recorder.event(20, t === 0 ? ttft : 15 + 10 * random());
      const failed = failEvery > 0 && ++n % failEvery === 0;
      recorder.request({
        method: 'POST',
        name: '/v1/chat/completions',
        ok: !failed,
        ...(failed ? { error: 'http_5xx' as const } : {}),
        durationMs: ttft + 200,
        contentBytes: 200,
        ttfeMs: ttft,
        ttftMs: ttft,
        tpotMs: 20,
        stream: true,
        events: 10,
        tokens: 10,
      });
    }
    clock.advance(1000);
    recorder.tick();
  }
  const snapshot = recorder.snapshot();
  recorder.close();
  return buildRunJson({
    snapshot,
    status: 'completed',
    startedAt: new Date(0),
    endedAt: new Date(seconds * 1000),
    config: { protocol: 'openai', scenario: 'stream', users: 8 },
    environment: {} as RunEnvironment,
    evaluate: () => [],
    warnings: [],
  });
}

const OPTIONS: CompareOptions = {
  tolerance: 0.05,
  tolerances: new Map(),
  seed: 1,
  resamples: 400,
  force: false,
};
const side = (name: string, ...runs: RunJson[]): CompareSide => ({
  name,
  files: runs.map((_, i) => `${name}-${i}.json`),
  runs,
});
const verdict = (c: ReturnType<typeof compareSides>, id: string) =>
  c.metrics.find((m) => m.id === id)?.verdict;

test('the same workload twice: no regression; first token +30 %: ttft regressed; −30 %: improved', () => {
  const a = side('a', syntheticRun(1));
  const same = compareSides(a, side('b', syntheticRun(2)), OPTIONS);
  assert.deepEqual(same.regressed, []);
  assert.equal(verdict(same, 'ttft.p50'), 'unchanged');
  assert.equal(verdict(same, 'ttft.max'), null); // shown, never judged

  const slower = compareSides(a, side('b', syntheticRun(3, { ttftMs: 260 })), OPTIONS);
  assert.ok(slower.regressed.includes('ttft.p50'), slower.regressed.join(' '));
  const ttft = slower.metrics.find((m) => m.id === 'ttft.p50')!;
  assert.equal(ttft.method, 'block bootstrap');
  assert.ok(ttft.ci![0] > 40 && ttft.ci![1] < 80, String(ttft.ci));

  const faster = compareSides(a, side('b', syntheticRun(4, { ttftMs: 140 })), OPTIONS);
  assert.equal(verdict(faster, 'ttft.p50'), 'improved');
  assert.ok(!faster.regressed.includes('ttft.p50'));
});

test('direction per metric: fewer requests per second and more errors are regressions', () => {
  const base = side('a', syntheticRun(1));
  const c = compareSides(base, side('b', syntheticRun(2, { perSecond: 30, failEvery: 5 })), OPTIONS);
  assert.equal(verdict(c, 'requests_per_s'), 'regressed');
  assert.equal(verdict(c, 'output_tokens_per_s'), 'regressed');
  assert.equal(verdict(c, 'error_rate'), 'regressed');
  const better = compareSides(side('b', syntheticRun(2, { perSecond: 30, failEvery: 5 })), base, OPTIONS);
  assert.equal(verdict(better, 'requests_per_s'), 'improved');
  assert.equal(verdict(better, 'error_rate'), 'improved');
});

test('a tolerance above the change: no regression for that metric (family or id)', () => {
  const a = side('a', syntheticRun(1));
  const b = side('b', syntheticRun(3, { ttftMs: 260 }));
  const family = compareSides(a, b, { ...OPTIONS, ...parseTolerances('5%,ttft=100ms') });
  assert.ok(!family.regressed.some((id) => id.startsWith('ttft.')), family.regressed.join(' '));
  const one = compareSides(a, b, { ...OPTIONS, ...parseTolerances('ttft.p50=50%') });
  assert.ok(!one.regressed.includes('ttft.p50'));
  assert.ok(one.regressed.includes('ttft.p95'));
});

test('three runs a side: Welch over the runs', () => {
  const base = side('a', syntheticRun(1), syntheticRun(2), syntheticRun(3));
  const worse = side(
    'b',
    syntheticRun(4, { ttftMs: 260 }),
    syntheticRun(5, { ttftMs: 262 }),
    syntheticRun(6, { ttftMs: 258 }),
  );
  const c = compareSides(base, worse, OPTIONS);
  const ttft = c.metrics.find((m) => m.id === 'ttft.p50')!;
  assert.equal(ttft.method, 'Welch t over runs');
  assert.equal(ttft.verdict, 'regressed');
  // The values shown are what the test compares: the means of the runs' values.
  const mean = (runs: readonly RunJson[]) =>
    runs.reduce((sum, run) => sum + run.latency.ttft!.p50, 0) / runs.length;
  assert.equal(ttft.base, mean(base.runs));
  assert.equal(ttft.change, mean(worse.runs) - mean(base.runs));
  assert.match(c.method, /Welch t over runs \(3 vs 3\)/);
});

test('too short to judge: inconclusive, never a regression', () => {
  const c = compareSides(
    side('a', syntheticRun(1, { seconds: 2 })),
    side('b', syntheticRun(2, { seconds: 2, ttftMs: 400 })),
    OPTIONS,
  );
  assert.deepEqual(c.regressed, []);
  assert.equal(verdict(c, 'ttft.p50'), 'inconclusive');
  assert.match(c.metrics.find((m) => m.id === 'ttft.p50')!.note!, /fewer than 3 blocks/);
});

test('different protocols: bad input unless forced, and the difference is named', () => {
  const other = { ...syntheticRun(2), config: { protocol: 'sse', scenario: 'stream', users: 8 } } as RunJson;
  assert.throws(
    () => compareSides(side('a', syntheticRun(1)), side('b', other), OPTIONS),
    (e: unknown) =>
      e instanceof UsageError &&
      /b-0\.json: protocol "sse" differs from "openai" in a-0\.json/.test(e.message),
  );
  const forced = compareSides(side('a', syntheticRun(1)), side('b', other), { ...OPTIONS, force: true });
  assert.deepEqual(forced.configDifferences, ['protocol: "openai" → "sse"']);
});

test('run.json blocks stay bounded: a long run merges seconds into at most MAX_BLOCKS blocks', () => {
  const run = syntheticRun(1, { seconds: 150, perSecond: 2 });
  assert.equal(run.blocks!.seconds, 3);
  assert.equal(run.blocks!.histograms.ttft!.length, 50);
  const longer = syntheticRun(1, { seconds: 400, perSecond: 1 });
  assert.ok(longer.blocks!.histograms.ttft!.length <= MAX_BLOCKS);
});

test('--tolerance parsing: default, per metric, absolute; one line for a bad part', () => {
  const { tolerance, tolerances } = parseTolerances(
    '10%,ttft.p95=20%,request_duration.p99=50ms,error_rate=0.02,ttft=1s',
  );
  assert.equal(tolerance, 0.1);
  assert.deepEqual(Object.fromEntries(tolerances), {
    'ttft.p95': { relative: 0.2 },
    'request_duration.p99': { absolute: 50 },
    error_rate: { absolute: 0.02 },
    ttft: { absolute: 1000 },
  });
  for (const bad of ['fast', 'ttft.p95=', '50ms', 'ttft=5 %'])
    assert.throws(() => parseTolerances(bad), /--tolerance: /);
});
