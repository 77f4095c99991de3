import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Segment, splitPlan } from '../segments/shares.ts';
import { applyShare, planOf } from './share-config.ts';

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

test('the open model keeps the whole rate and rate stages: each share takes every N-th arrival', () => {
  const config = {
    users: 0,
    rate: 2.5,
    stages: [
      { durationS: 10, target: 5 },
      { durationS: 10, target: 0 },
    ],
    segment: null as Segment | null,
  };
  const parts = splitPlan(planOf(config), 2).map((s) => applyShare(config, s));
  assert.deepEqual(
    parts.map((p) => [p.rate, p.stages, p.segment]),
    [
      [2.5, config.stages, { index: 0, of: 2 }],
      [2.5, config.stages, { index: 1, of: 2 }],
    ],
  );
});

test('spawn rate defaults to the user count when the config has none', () => {
  assert.deepEqual(planOf({ users: 4 }), { users: 4, spawnRate: 4, rate: null, iterations: null });
});
