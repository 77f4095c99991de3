import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyShare, planOf } from './share-config.ts';
import { splitPlan } from './shares.ts';

test('a config splits into worker configs whose load sums to the original, other fields untouched', () => {
  const config = {
    users: 7,
    spawnRate: 3,
    rate: null,
    iterations: 10,
    target: 'http://127.0.0.1:1',
    stages: null,
  };
  const shares = splitPlan(planOf(config), 3);
  const parts = shares.map((s) => applyShare(config, s));
  assert.equal(
    parts.reduce((t, p) => t + p.users, 0),
    7,
  );
  assert.equal(
    parts.reduce((t, p) => t + (p.iterations ?? 0), 0),
    10,
  );
  assert.equal(Math.round(parts.reduce((t, p) => t + p.spawnRate, 0) * 1000), 3000);
  assert.ok(parts.every((p) => p.target === config.target && p.rate === null));
});

test('arrival rate and stage targets are split exactly', () => {
  const config = {
    users: 0,
    rate: 2.5,
    stages: [
      { durationS: 10, target: 5 },
      { durationS: 10, target: 0 },
    ],
  };
  const parts = splitPlan(planOf(config), 2).map((s) => applyShare(config, s));
  assert.deepEqual(
    parts.map((p) => p.rate),
    [1.25, 1.25],
  );
  assert.deepEqual(
    parts.map((p) => p.stages?.map((s) => s.target)),
    [
      [3, 0],
      [2, 0],
    ],
  );
  assert.deepEqual(parts[0]!.stages![0], { durationS: 10, target: 3 });
});

test('spawn rate defaults to the user count when the config has none', () => {
  assert.deepEqual(planOf({ users: 4 }), { users: 4, spawnRate: 4, rate: null, iterations: null });
});
