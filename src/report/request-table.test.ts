import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AGGREGATED } from '../metrics/summary.ts';
import type { LatencyStats, RequestEntryStats } from '../metrics/types.ts';
import { requestTable } from './request-table.ts';

const duration = (ms: number): LatencyStats => ({
  count: 4,
  min: ms / 2,
  max: ms * 2,
  mean: ms + 0.44,
  p50: ms,
  p66: ms,
  p75: ms,
  p80: ms,
  p90: ms,
  p95: ms * 1.5,
  p98: ms,
  p99: ms,
  'p99.9': ms,
  'p99.99': ms,
});

const entry = (name: string, requests: number, failures: number): RequestEntryStats => ({
  method: 'POST',
  name,
  requests,
  failures,
  avgContentBytes: 0,
  rps: requests / 3,
  failuresPerSec: failures / 3,
  duration: duration(100),
});

test('one column, one title and one cell wherever it is shown; the Aggregated row has no type', () => {
  const entries = [entry('/v1/x', 4, 1), entry(AGGREGATED, 4, 1)];
  const console = requestTable(entries, ['type', 'name', 'failuresShare', 'avg', 'rps'], 0);
  assert.deepEqual(console.header, ['Type', 'Name', '# fails', 'Avg', 'req/s']);
  assert.deepEqual(console.rows, [
    ['POST', '/v1/x', '1(25%)', '100', '1.33'],
    ['', AGGREGATED, '1(25%)', '100', '1.33'],
  ]);
  // report.html shows milliseconds with one decimal; the rest of the cell is the same.
  assert.deepEqual(requestTable(entries, ['avg', 'p95'], 1).rows[0], ['100.4', '150']);
});

test('an entry without requests has a 0% failure share, not NaN', () => {
  assert.deepEqual(requestTable([entry('/', 0, 0)], ['failuresShare'], 0).rows, [['0(0%)']]);
});
