import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_USER_CLASSES, userClassesOf } from './history.ts';

test('users per class of several processes add up by name, in name order', () => {
  assert.deepEqual(userClassesOf([undefined, undefined]), {});
  const merged = userClassesOf([{ writer: 1, admin: 1 }, undefined, { reader: 2, writer: 1 }]);
  assert.deepEqual(merged, { userClasses: { admin: 1, reader: 2, writer: 2 } });
  assert.deepEqual(Object.keys(merged.userClasses ?? {}), ['admin', 'reader', 'writer']);
});

test("a worker's userClasses is input: non-counts are dropped, names are bounded", () => {
  const hostile = { a: -1, b: 1.5, c: 'x', d: Number.NaN, ['__proto__']: 3, e: 2 } as unknown as Record<
    string,
    number
  >;
  const merged = userClassesOf([hostile]).userClasses ?? {};
  // `__proto__` is a name like any other: an own key, never the result's prototype.
  assert.deepEqual(Object.entries(merged), [
    ['__proto__', 3],
    ['e', 2],
  ]);
  assert.equal(Object.getPrototypeOf(merged), Object.prototype);
  const many = Object.fromEntries(Array.from({ length: MAX_USER_CLASSES + 50 }, (_, i) => [`c${i}`, 1]));
  assert.equal(Object.keys(userClassesOf([many, { extra: 1 }]).userClasses ?? {}).length, MAX_USER_CLASSES);
});
