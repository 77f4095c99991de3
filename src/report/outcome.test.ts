import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeOutcomes, mergeWarnings, worstStatus } from './outcome.ts';

test('worstStatus: aborted over stopped over completed', () => {
  assert.equal(worstStatus([]), 'completed');
  assert.equal(worstStatus(['completed', 'stopped', 'completed']), 'stopped');
  assert.equal(worstStatus(['stopped', 'aborted', 'completed']), 'aborted');
});

test('mergeWarnings: each text once, naming the segments that raised it, in first-seen order', () => {
  const merged = mergeWarnings([
    { segment: { index: 0, of: 3 }, status: 'completed', warnings: ['cap', 'saturated', 'cap'] },
    { segment: { index: 1, of: 3 }, status: 'completed', warnings: [] },
    { segment: { index: 2, of: 3 }, status: 'completed', warnings: ['cap', 'slow'] },
  ]);
  assert.deepEqual(merged, ['segments 1/3, 3/3: cap', 'segment 1/3: saturated', 'segment 3/3: slow']);
});

const none = { warnings: [] };

test("mergeOutcomes: the parent's stop wins over completed workers; a worker's abort over the parent", () => {
  const parts = [{ segment: { index: 0, of: 1 }, status: 'completed' as const, warnings: ['w'] }];
  assert.deepEqual(mergeOutcomes({ status: 'stopped', ...none }, parts), {
    status: 'stopped',
    warnings: ['segment 1/1: w'],
  });
  assert.equal(
    mergeOutcomes({ status: 'completed', ...none }, [{ ...parts[0]!, status: 'aborted' }]).status,
    'aborted',
  );
  assert.equal(mergeOutcomes({ status: 'completed', ...none }, parts).status, 'completed');
});

test("mergeOutcomes: a part's warning the parent already raises is said once, unprefixed", () => {
  const parts = [
    { segment: { index: 0, of: 2 }, status: 'completed' as const, warnings: ['--insecure: x', 'cap'] },
    { segment: { index: 1, of: 2 }, status: 'completed' as const, warnings: ['--insecure: x'] },
  ];
  assert.deepEqual(mergeOutcomes({ status: 'completed', warnings: ['--insecure: x'] }, parts).warnings, [
    '--insecure: x',
    'segment 1/2: cap',
  ]);
});
