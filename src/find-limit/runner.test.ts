import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeActual, describeAgainstLimit, stepChecks } from './checks.ts';
import { findLimit, type StepResult } from './runner.ts';

/** A scripted target: ttft p95 is 400 ms up to 40 users, then grows with the square of the overload. */
function fakeStep(load: number): StepResult {
  const ttftP95 = 400 * Math.max(1, load / 40) ** 2;
  return {
    status: 'completed',
    thresholds: [{ expr: 'ttft.p95<460ms', actual: ttftP95, limit: 460, ok: ttftP95 < 460 }],
  };
}

const bounds = { start: 10, max: 1000, resolution: 0.1, integer: true };

test('finds the knee of a scripted target, one step at a time, in order', async () => {
  let clock = 0;
  const seen: number[] = [];
  const result = await findLimit({
    bounds,
    budgetMs: 10 * 60_000,
    stepMs: 20_000,
    nowMs: () => clock,
    runStep: async (load, index) => {
      assert.equal(index, seen.length + 1);
      clock += 20_000;
      return fakeStep(load);
    },
    onStep: (step) => seen.push(step.load),
  });
  assert.deepEqual(seen, [10, 20, 40, 80, 60, 50, 45, 43]);
  assert.deepEqual(result.outcome, { reason: 'found', held: 40, broke: 43 });
  assert.equal(result.cutShort, null);
  assert.deepEqual(
    result.steps.map((s) => s.held),
    [true, true, true, false, false, false, false, false],
  );
});

test('the budget: no step starts that cannot end inside it; the bracket so far is reported', async () => {
  let clock = 0;
  const result = await findLimit({
    bounds,
    budgetMs: 65_000,
    stepMs: 20_000,
    nowMs: () => clock,
    runStep: async (load) => {
      clock += 20_000;
      return fakeStep(load);
    },
  });
  assert.deepEqual(
    result.steps.map((s) => s.load),
    [10, 20, 40],
  );
  assert.equal(result.cutShort, 'budget');
  assert.deepEqual(result.outcome, { reason: 'max-held', held: 40, broke: null });
});

test('a step stopped by the user ends the search and does not count as holding', async () => {
  const result = await findLimit({
    bounds,
    budgetMs: 60_000,
    stepMs: 1,
    nowMs: () => 0,
    runStep: async (load) => (load >= 20 ? { ...fakeStep(load), status: 'stopped' } : fakeStep(load)),
  });
  assert.equal(result.cutShort, 'stopped');
  assert.deepEqual(result.outcome, { reason: 'found', held: 10, broke: 20 });
});

test('even the first step broke', async () => {
  const result = await findLimit({
    bounds: { ...bounds, start: 100 },
    budgetMs: 60_000,
    stepMs: 1,
    nowMs: () => 0,
    runStep: async (load) => fakeStep(load),
  });
  assert.deepEqual(result.outcome, { reason: 'first-broke', held: null, broke: 100 });
});

test('checks: each SLO at the percentile, then thresholds, then the error rate; described readably', () => {
  assert.deepEqual(
    stepChecks({
      slos: ['ttft<500ms', 'tpot<=50ms'],
      percentile: 95,
      thresholds: ['goodput.avg>=20'],
      maxErrorRate: 0.01,
    }),
    ['ttft.p95<500ms', 'tpot.p95<=50ms', 'goodput.avg>=20', 'error_rate<1%'],
  );
  const ttft = { expr: 'ttft.p95<500ms', actual: 462.4, limit: 500, ok: true };
  assert.equal(describeActual(ttft), 'ttft p95 462 ms');
  assert.equal(describeAgainstLimit(ttft), 'ttft p95 462 ms < 500 ms');
  assert.equal(describeAgainstLimit({ ...ttft, actual: 611, ok: false }), 'ttft p95 611 ms ≥ 500 ms');
  const errors = { expr: 'error_rate<1%', actual: 0.032, limit: 0.01, ok: false };
  assert.equal(describeAgainstLimit(errors), 'error_rate 3.20% ≥ 1%');
  assert.equal(
    describeActual({ expr: 'goodput.avg>=20', actual: 18.5, limit: 20, ok: false }),
    'goodput.avg 18.50',
  );
});
