import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { parseProcesses } from './processes.ts';

test('--processes: auto is the core count; otherwise a whole number ≥ 1', () => {
  assert.equal(parseProcesses('auto'), availableParallelism());
  assert.equal(parseProcesses('2'), 2);
  for (const bad of ['0', '-1', '1.5', 'two', '']) {
    assert.throws(
      () => parseProcesses(bad),
      { name: 'UsageError', message: /^--processes must be auto or a whole number/ },
      bad,
    );
  }
});
