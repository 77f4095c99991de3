import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunJson } from '../report/types.ts';
import { withScaleOut } from './partial.ts';
import type { ScaleOutResult } from './parts.ts';

const run = { partial: null, warnings: ['generator saturated'] } as unknown as RunJson;

test('a complete result keeps partial null and the warnings as they are', () => {
  const result = { partial: null } as unknown as ScaleOutResult;
  assert.deepEqual(withScaleOut(run, result), run);
});

test('a partial result sets partial and repeats its notice among the warnings', () => {
  const partial = { lostWorkers: 1, workers: 2, notice: 'partial result: 1 of 2 workers lost' };
  const out = withScaleOut(run, { partial } as unknown as ScaleOutResult);
  assert.deepEqual(out.partial, partial);
  assert.deepEqual(out.warnings, ['generator saturated', partial.notice]);
});
