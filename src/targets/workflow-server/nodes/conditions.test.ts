import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compare, type Operator } from './conditions.ts';

test("Dify's comparison operators", () => {
  const cases: [Operator, unknown, unknown, boolean][] = [
    ['contains', 'hello world', 'hello', true],
    ['contains', ['a', 'b'], 'b', true],
    ['not contains', 'hello', 'x', true],
    ['start with', 'hello', 'he', true],
    ['end with', 'hello', 'lo', true],
    ['is', 'True', 'True', true],
    ['is', 1, '1', true],
    ['is not', 'a', 'b', true],
    ['empty', '', null, true],
    ['empty', [], null, true],
    ['not empty', 'x', null, true],
    ['=', 1, '1', true],
    ['=', '', '0', false],
    ['≠', 2, '1', true],
    ['>', 3, '2', true],
    ['<', 1, '2', true],
    ['≥', 5, '5', true],
    ['≤', 4, '5', true],
    ['>', 'abc', '1', false],
    ['null', undefined, null, true],
    ['not null', 0, null, true],
    ['in', 'b', ['a', 'b'], true],
    ['in', 'b', 'a, b', true],
    ['not in', 'c', ['a', 'b'], true],
    ['all of', ['a', 'b', 'c'], ['a', 'c'], true],
    ['all of', ['a'], ['a', 'c'], false],
    ['exists', 'x', null, true],
    ['not exists', undefined, null, true],
  ];
  for (const [operator, actual, expected, result] of cases)
    assert.equal(
      compare(operator, actual, expected),
      result,
      `${JSON.stringify(actual)} ${operator} ${JSON.stringify(expected)}`,
    );
});
