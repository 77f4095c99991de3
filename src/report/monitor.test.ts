import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryRow } from '../metrics/types.ts';
import { monitorCharts, monitorColumns, withMonitor, withSegmentsMonitor } from './monitor.ts';
import type { RunJson } from './types.ts';

const row = (t: number) => ({ t, elapsedS: t / 1000 }) as HistoryRow;
const run = { history: [row(1000), row(2000), row(3000)], warnings: ['w'] } as unknown as RunJson;

test('each history row gets the last sample of each source taken within its second', () => {
  const out = withMonitor(run, {
    report: { 'pid:1': { kind: 'pid', samples: 3, failures: 1, summary: {}, error: 'gone' } },
    samples: new Map([
      [
        'pid:1',
        [
          { t: 1500, values: { cpu_pct: 10 } },
          { t: 1900, values: { cpu_pct: 20 } },
          { t: 3000, values: { cpu_pct: 30 } },
        ],
      ],
    ]),
    warnings: ['--monitor pid:1: 1 of 4 samples failed'],
  });
  assert.equal(out.history[0]?.monitor, undefined);
  assert.deepEqual(out.history[1]?.monitor?.['pid:1'], { cpu_pct: 20 });
  assert.deepEqual(out.history[2]?.monitor?.['pid:1'], { cpu_pct: 30 });
  assert.deepEqual(out.warnings, ['w', '--monitor pid:1: 1 of 4 samples failed']);
  assert.equal(out.monitor?.['pid:1']?.kind, 'pid');
});

test('charts group a source by unit on the load time axis; csv columns are source and series', () => {
  const monitored = {
    ...run,
    monitor: {
      'docker:api': {
        kind: 'docker',
        samples: 1,
        failures: 0,
        error: null,
        summary: {
          cpu_pct: { min: 1, avg: 1, max: 1 },
          mem_bytes: { min: 1, avg: 1, max: 1 },
          net_rx_bytes_per_s: { min: 1, avg: 1, max: 1 },
          net_tx_bytes_per_s: { min: 1, avg: 1, max: 1 },
        },
      },
    },
    history: [
      { ...row(1000), monitor: { 'docker:api': { cpu_pct: 50, mem_bytes: 2 * 1024 * 1024 } } },
      row(2000),
    ],
  } as unknown as RunJson;
  const { charts, points } = monitorCharts(monitored);
  assert.deepEqual(
    charts.map((c) => [c.id, c.unit, c.series.length]),
    [
      ['monitor-0-cpu', '% of a core', 1],
      ['monitor-0-memory', 'MiB', 1],
      ['monitor-0-io', 'MiB/s', 2],
    ],
  );
  assert.deepEqual(points, [
    { m0: 50, m1: 2, m2: null, m3: null },
    { m0: null, m1: null, m2: null, m3: null },
  ]);
  assert.deepEqual(monitorColumns(monitored)[0], ['docker:api', 'cpu_pct']);
});

test('merged segments keep each source once, from the first segment that sampled it, on the same seconds', () => {
  const source = (v: number) => ({
    kind: 'pid',
    samples: 1,
    failures: 0,
    error: null,
    summary: { cpu_pct: { min: v, avg: v, max: v } },
  });
  const seg = (monitor: Record<string, unknown> | undefined, rows: Record<string, number>[]) =>
    ({
      monitor,
      history: rows.map((values, i) => ({ ...row((i + 1) * 1000), monitor: { 'pid:1': values } })),
    }) as unknown as RunJson;
  const merged = withSegmentsMonitor({ ...run, history: [row(1000), row(2000)] } as RunJson, [
    seg(undefined, []),
    seg({ 'pid:1': source(10) }, [{ cpu_pct: 10 }, { cpu_pct: 20 }]),
    seg({ 'pid:1': source(99) }, [{ cpu_pct: 99 }]),
  ]);
  assert.equal(merged.monitor?.['pid:1']?.summary.cpu_pct?.avg, 10);
  assert.deepEqual(
    merged.history.map((h) => h.monitor?.['pid:1']?.cpu_pct),
    [10, 20],
  );
  assert.equal(withSegmentsMonitor(run, [run]), run, 'nothing monitored: unchanged');
});
