import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCapacityModel, slowdownFor } from './capacity.ts';

test('full speed up to the capacity, then (batch / capacity)²', () => {
  assert.equal(slowdownFor(1, 40), 1);
  assert.equal(slowdownFor(40, 40), 1);
  assert.equal(slowdownFor(44, 40), 1.1 * 1.1);
  assert.equal(slowdownFor(80, 40), 4);
  assert.equal(slowdownFor(1000, undefined), 1, 'no capacity: no knee');
});

test('the batch counts admitted generations; max-queue refuses beyond capacity + queue', () => {
  const model = createCapacityModel({ capacity: 2, maxQueue: 1 });
  assert.ok(model.admit());
  assert.ok(model.admit());
  assert.equal(model.slowdown(), 1);
  assert.ok(model.admit());
  assert.equal(model.slowdown(), 2.25);
  assert.equal(model.admit(), false, 'capacity 2 + queue 1 = 3 generations at most');
  model.release();
  assert.equal(model.batch, 2);
  assert.ok(model.admit());
});

test('without max-queue nothing is refused', () => {
  const model = createCapacityModel({ capacity: 1 });
  for (let i = 0; i < 100; i++) assert.ok(model.admit());
  assert.equal(model.slowdown(), 100 * 100);
});
