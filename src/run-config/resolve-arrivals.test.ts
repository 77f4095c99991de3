import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveRunConfig } from './resolve.ts';

const resolve = (flags: Record<string, unknown>) => resolveRunConfig({ flags, env: {}, cwd: process.cwd() });

test('--arrival and --burstiness: open model only; burstiness alone means gamma', () => {
  assert.equal(resolve({ rate: 10 }).arrival, 'constant');
  assert.equal(resolve({ rate: 10, arrival: 'poisson' }).arrival, 'poisson');
  assert.deepEqual(
    (({ arrival, burstiness }) => ({ arrival, burstiness }))(resolve({ rate: 10, burstiness: 0.5 })),
    { arrival: 'gamma', burstiness: 0.5 },
  );
  assert.throws(() => resolve({ arrival: 'poisson' }), /--arrival: .*open model \(add --rate\)/);
  assert.throws(
    () => resolve({ rate: 5, arrival: 'poisson', burstiness: 2 }),
    /--burstiness: .*--arrival gamma/,
  );
});

test('--slo: each objective checked before the load, the reason named', () => {
  assert.deepEqual(resolve({ slo: ['ttft<500ms', 'tpot<=50ms'] }).slo, ['ttft<500ms', 'tpot<=50ms']);
  assert.throws(() => resolve({ slo: ['ttft>1s'] }), /--slo: "ttft>1s": expected/);
  assert.throws(() => resolve({ slo: ['tfft<1s'] }), /--slo: "tfft<1s": unknown metric "tfft"/);
});
