import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotProblem } from './snapshot-check.ts';
import { runWorkload } from './test-workload.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests damage arbitrary fields of plain JSON
const valid = (): Record<string, any> => JSON.parse(JSON.stringify(runWorkload(7, 2, 3).whole));

test('a real snapshot passes, a round trip through JSON included', () => {
  assert.equal(snapshotProblem(valid()), null);
});

test('each damage is named by its path', () => {
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const cases: [(s: Record<string, any>) => void, RegExp][] = [
    [(s) => (s.totals.requests = -7), /^totals\.requests must be a whole number ≥ 0$/],
    [(s) => (s.totals.failures = '3'), /^totals\.failures must be a whole number/],
    [(s) => (s.elapsedMs = Number.POSITIVE_INFINITY), /^elapsedMs must be a finite number/],
    [
      (s) => (s.histograms.ttfe = 'HISTFAAAAB3damaged'),
      /^histograms\."ttfe" must be an encoded HDR histogram$/,
    ],
    [
      (s) => (s.history[0].ttfeHistogram = 'xx'),
      /^history\[0\]\.ttfeHistogram must be an encoded HDR histogram$/,
    ],
    [
      (s) => {
        delete s.errors.timeout;
        s.errors.bogus = 1;
      },
      /^errors\."bogus" must be a known name$/,
    ],
    [(s) => (s.entries = 'none'), /^entries must be a list/],
    [
      (s) => (s.failures = Array.from({ length: 100_001 }, () => ({}))),
      /^failures must be a list of at most 100000/,
    ],
    [(s) => (s.schema = 'x'), /^schema must be "streamload\.snapshot\/v1"$/],
    [(s) => (s.checks = { ok: { passes: -1, fails: 0 } }), /^checks\."ok"\.passes must be a whole number/],
  ];
  for (const [damage, message] of cases) {
    const snapshot = valid();
    damage(snapshot);
    assert.match(snapshotProblem(snapshot) ?? 'passed', message);
  }
  assert.equal(snapshotProblem(null), 'the snapshot must be an object');
});
