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

test('--processes is bounded: at most MAX_PROCESSES, and never more than the users to split', () => {
  assert.throws(() => parseProcesses('1000'), /from 1 to 256, got "1000"/);
  assert.throws(() => parseProcesses('3', 2), /--processes 3 is more than the 2 users to split/);
  assert.equal(parseProcesses('2', 2), 2);
  assert.equal(parseProcesses('auto', 1), 1);
  assert.equal(parseProcesses('8', null), 8);
});
