import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextStep, type SearchBounds, type SearchOutcome, type StepVerdict } from './search.ts';

/** Runs the search against a scripted target that holds up to `limit`. */
function search(
  bounds: SearchBounds,
  holds: (load: number) => boolean,
): { loads: number[]; outcome: SearchOutcome } {
  const steps: StepVerdict[] = [];
  for (let i = 0; i < 50; i++) {
    const next = nextStep(steps, bounds);
    if (next.kind === 'done') return { loads: steps.map((s) => s.load), outcome: next.outcome };
    steps.push({ load: next.load, held: holds(next.load) });
  }
  throw new Error('the search did not end in 50 steps');
}

const users: SearchBounds = { start: 10, max: 1000, resolution: 0.1, integer: true };

test('climbs ×2 from the start, then bisects to the resolution', () => {
  const { loads, outcome } = search(users, (load) => load <= 42);
  assert.deepEqual(loads, [10, 20, 40, 80, 60, 50, 45, 43]);
  assert.deepEqual(outcome, { reason: 'found', held: 40, broke: 43 });
});

test('the limit is within the resolution of the true knee, for many knees', () => {
  for (const knee of [10, 11, 40, 41, 99, 184, 203, 640]) {
    const { outcome } = search(users, (load) => load <= knee);
    assert.equal(outcome.reason, 'found', `knee ${knee}`);
    assert.ok(outcome.held! <= knee && outcome.broke! > knee, `knee ${knee}: ${JSON.stringify(outcome)}`);
    assert.ok(
      outcome.broke! <= outcome.held! * 1.1 || outcome.broke! - outcome.held! <= 1,
      `knee ${knee}: ${JSON.stringify(outcome)}`,
    );
  }
});

test('rates are not whole: bisection to 0.01/s', () => {
  const { outcome } = search({ start: 5, max: 500, resolution: 0.05, integer: false }, (rate) => rate < 81.6);
  assert.equal(outcome.reason, 'found');
  assert.ok(outcome.held! < 81.6 && outcome.broke! >= 81.6);
  assert.ok(outcome.broke! / outcome.held! <= 1.05);
});

test('even the first step broke; the maximum held; the start above the maximum', () => {
  assert.deepEqual(
    search(users, () => false),
    { loads: [10], outcome: { reason: 'first-broke', held: null, broke: 10 } },
  );
  const capped = search({ ...users, max: 100 }, () => true);
  assert.deepEqual(capped.loads, [10, 20, 40, 80, 100]);
  assert.deepEqual(capped.outcome, { reason: 'max-held', held: 100, broke: null });
  assert.deepEqual(search({ ...users, start: 1, max: 1 }, () => true).loads, [1]);
});

test('a noisy hold above a break does not raise the limit', () => {
  const steps: StepVerdict[] = [
    { load: 10, held: true },
    { load: 20, held: false },
    { load: 15, held: true },
    { load: 40, held: true },
  ];
  const next = nextStep(steps, users);
  assert.deepEqual(next, { kind: 'step', load: 18 });
});
