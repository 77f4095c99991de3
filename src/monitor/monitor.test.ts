import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSeriesValue, summarizeSamples } from './monitor.ts';

test('summarizeSamples: min/avg/max of each series over the samples that carry it, CPU first', () => {
  const s = summarizeSamples([
    { t: 1, values: { rss_bytes: 10 } },
    { t: 2, values: { rss_bytes: 30, cpu_pct: 50 } },
    { t: 3, values: { rss_bytes: 20, cpu_pct: 100 } },
  ]);
  assert.deepEqual(Object.keys(s), ['cpu_pct', 'rss_bytes']);
  assert.deepEqual({ ...s.cpu_pct }, { min: 50, avg: 75, max: 100 });
  assert.deepEqual({ ...s.rss_bytes }, { min: 10, avg: 20, max: 30 });
});

test('a series shows in its unit, read from its name', () => {
  assert.equal(formatSeriesValue('cpu_pct', 97.04), '97.0%');
  assert.equal(formatSeriesValue('rss_bytes', 3 * 1024 * 1024), '3.0 MiB');
  assert.equal(formatSeriesValue('net_rx_bytes_per_s', 512), '512 B/s');
  assert.equal(formatSeriesValue('vllm:num_requests_running', 4), '4');
  assert.equal(formatSeriesValue('node_load1', 0.25), '0.250');
});
