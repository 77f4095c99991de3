import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricsSummary } from '../metrics/types.ts';
import { nearest } from './threshold-names.ts';
import { lookup, parseThreshold, type Threshold, unproducible } from './thresholds.ts';

const ok = (expr: string) => {
  const parsed = parseThreshold(expr);
  assert.notEqual(typeof parsed, 'string', String(parsed));
  return parsed as Threshold;
};

test('short names rps, eps, cps point at the throughput series', () => {
  assert.deepEqual(ok('rps.avg>=40').path, ['throughput', 'requests', 'avg']);
  assert.deepEqual(ok('eps.max>1').path, ['throughput', 'events', 'max']);
  assert.deepEqual(ok('cps.min>0').path, ['throughput', 'connections', 'min']);
});

test('every documented form is accepted', () => {
  for (const expr of [
    'error_rate<1%',
    'errors.timeout==0',
    'totals.requests>=10',
    'throughput.events.avg>100',
    'connections.maxConcurrent<5',
    'ttfe.p95<500ms',
    'ttfe.p99.9<1s',
    'request_duration_scheduled.p99<3s',
    'tokens_per_stream.mean>10',
    'node_duration.LLM.p95<2s',
    'node_duration.a.b.max<2s',
  ])
    ok(expr);
  assert.deepEqual(ok('ttfe.avg<3').path, ['ttfe', 'mean']);
  assert.deepEqual(ok('node_duration.a.b.p99.9<1').path, ['node_duration.a.b', 'p99.9']);
});

test('an unknown metric or statistic names the nearest valid one', () => {
  assert.match(
    String(parseThreshold('bogus.p95<5')),
    /unknown metric "bogus" \(did you mean "ttfb\.p95"\?\)/,
  );
  assert.match(
    String(parseThreshold('ttef.p95<500ms')),
    /unknown metric "ttef" \(did you mean "ttfe\.p95"\?\)/,
  );
  assert.match(
    String(parseThreshold('ttfe.p96<5')),
    /unknown statistic "p96" \(did you mean "ttfe\.p9\d"\?\)/,
  );
  assert.match(String(parseThreshold('errors.timout==0')), /did you mean "errors\.timeout"/);
  assert.match(String(parseThreshold('rps.mean>1')), /did you mean "rps\.max"|did you mean "rps\.min"/);
  assert.match(String(parseThreshold('error_rate.p95<1')), /unknown metric/);
});

test('nearest counts a swap of two letters once', () => {
  assert.equal(nearest('ttef', ['ttfb', 'ttfe']), 'ttfe');
  assert.equal(nearest('x', []), undefined);
});

test('goodput and slo_attainment are in the closed set', () => {
  assert.deepEqual(ok('goodput.avg>=20').path, ['goodput', 'avg']);
  assert.deepEqual(ok('slo_attainment>=99%').path, ['slo_attainment']);
  assert.deepEqual(ok('totals.good>0').path, ['totals', 'good']);
  assert.match(String(parseThreshold('goodput.p95>1')), /did you mean "goodput\./);
});

test("the users' view of client-side controls is in the closed set and read from the summary", () => {
  assert.deepEqual(ok('operation_error_rate<1%').path, ['operation_error_rate']);
  assert.deepEqual(ok('operations.success_rate>=97%').path, ['operations', 'success_rate']);
  assert.deepEqual(ok('operations.rejections.circuit_open==0').path, [
    'operations',
    'rejections',
    'circuit_open',
  ]);
  assert.deepEqual(ok('operation_duration.p95<3s').path, ['operation_duration', 'p95']);
  assert.deepEqual(ok('queue_wait.p99<1s').path, ['queue_wait', 'p99']);
  assert.match(String(parseThreshold('operations.sucess_rate>1')), /did you mean "operations\.success_rate"/);
  const summary = {
    operation_error_rate: 0.004,
    operations: { success_rate: 0.99 },
  } as unknown as MetricsSummary;
  assert.equal(lookup(summary, ok('operation_error_rate<1%').path), 0.004);
  assert.equal(lookup(summary, ok('operations.success_rate>0.5').path), 0.99);
});

test('a rate of 1 or more without % is refused with the two spellings that mean a per cent', () => {
  assert.equal(
    parseThreshold('error_rate<1'),
    'threshold "error_rate<1": a rate is a fraction of 1 (1 = 100 %): write "error_rate<1%" for 1 per cent, or "error_rate<0.01"',
  );
  assert.match(
    String(parseThreshold('slo_attainment >= 99')),
    /"slo_attainment>=99%" .* "slo_attainment>=0\.99"/,
  );
  assert.equal(typeof parseThreshold('error_rate<1%'), 'object');
  assert.equal(typeof parseThreshold('error_rate<0.5'), 'object');
  assert.equal(typeof parseThreshold('errors.timeout<5'), 'object', 'a count is not a rate');
});

test('a threshold the run cannot produce is named before the load', () => {
  const t = (expr: string) => parseThreshold(expr) as Threshold;
  const blocking = {
    builtinScenario: 'empty-qps',
    responseMode: 'blocking',
    openModel: false,
    protocol: 'workflow',
  } as const;
  assert.match(
    String(unproducible(t('ttfe.p95<500ms'), blocking)),
    /empty-qps scenario sends blocking requests, which have no ttfe/,
  );
  assert.match(String(unproducible(t('tokens_per_stream.p50>1'), blocking)), /no tokens_per_stream/);
  assert.equal(unproducible(t('request_duration.p95<500ms'), blocking), undefined);
  assert.equal(
    unproducible(t('ttfe.p95<500ms'), { ...blocking, builtinScenario: null }),
    undefined,
    'a scenario file may stream',
  );
  assert.match(
    String(unproducible(t('ttfe_scheduled.p95<1s'), { ...blocking, responseMode: 'streaming' })),
    /open-model/,
  );
  assert.equal(
    unproducible(t('ttfe_scheduled.p95<1s'), { ...blocking, responseMode: 'streaming', openModel: true }),
    undefined,
  );
  assert.match(
    String(unproducible(t('node_duration.LLM.p95<2s'), { ...blocking, protocol: 'openai' })),
    /no nodes/,
  );
});
