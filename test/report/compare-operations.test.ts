/**
 * `streamload compare` on runs with client-side controls: the operations (what users saw, retries
 * included) are compared beside the requests when both runs have them. Real runs with retries
 * against the mock LLM failing 10 % and 50 % of requests with 429, through the real CLI.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { runCli, tempDir } from '../cli/helpers.ts';

const FAST = { port: 0, seed: 1, firstTokenMs: 5, interTokenMs: 1, tokens: [4, 4] as const };

let rare: MockLlm;
let often: MockLlm;
before(async () => {
  rare = await startMockLlm({ ...FAST, faultRates: { rate_limit: 0.1 } });
  often = await startMockLlm({ ...FAST, faultRates: { rate_limit: 0.5 } });
});
after(async () => {
  await rare?.close();
  await often?.close();
});

/** One run; the path of its run.json. */
async function run(target: string, ...extra: string[]): Promise<string> {
  const out = tempDir();
  // Seconds, not a request count: compare judges by blocks of seconds, so a run needs several (with
  // 4 s of 5 users the retries' change once came out at Holm p 0.053: too few blocks to judge).
  const args = ['run', '--target', target, '--protocol', 'openai', '--users', '8', '--run-time', '8s'];
  const r = await runCli([...args, '--out', out, '--live-interval', '60s', ...extra], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  return join(out, 'run.json');
}

const RETRY = ['--retry', '5', '--retry-on', '429', '--backoff', '5ms..20ms', '--jitter', 'full'];

test('operations rows when both runs have them: more retries per operation is a regression', {
  timeout: 300_000,
}, async () => {
  const [base, worse, plain] = await Promise.all([
    run(rare.url, ...RETRY),
    run(often.url, ...RETRY),
    run(rare.url, '--threshold', 'error_rate<100%'),
  ]);

  const same = await runCli(['compare', base, base]);
  assert.equal(same.code, 0, same.stdout);
  for (const row of [
    'operations.success_rate',
    'operations.error_rate',
    'operations.refused_rate',
    'operations.retries_per_operation',
    'operation_duration.p95 (ms)',
  ])
    assert.ok(same.stdout.includes(row), `${row} in\n${same.stdout}`);

  const regressed = await runCli(['compare', base, worse, '--format', 'md']);
  assert.equal(regressed.code, 1, regressed.stdout);
  assert.match(regressed.stdout, /\| operations\.retries_per_operation \|.*\| REGRESSED \|/);
  assert.match(regressed.stdout, /\| error_rate \|.*\| REGRESSED \|/);

  // One side without controls: its operations are absent, so there is nothing to set beside them.
  const mixed = await runCli(['compare', plain, base]);
  assert.ok(!mixed.stdout.includes('operations.'), mixed.stdout);
  assert.match(mixed.stdout, /^error_rate /m);
});
