// find-limit's own limits: a first step longer than --budget is refused before any load (it
// started and overran the budget), and `--warmup 0s` means no warmup, as in `run` (it was refused,
// so the 5 s default could not be turned off).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, tempDir, withMockLlm } from '../cli/helpers.ts';

const llmOptions = { port: 0, firstTokenMs: 1, interTokenMs: 1, tokens: [2, 2] as [number, number] };

test('a step longer than --budget is refused before the load, naming both', { timeout: 60_000 }, () =>
  withMockLlm(llmOptions, async (llm) => {
    const r = await runCli(
      [
        'find-limit',
        '--target',
        llm.url,
        '--protocol',
        'openai',
        '--step-time',
        '30s',
        '--budget',
        '20s',
        '--out',
        tempDir(),
      ],
      { timeoutMs: 30_000 },
    );
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(r.stderr.trim().split('\n'), [
      'streamload: --budget: 20s is shorter than one step (5s warmup + 30s measured + 3s to stop and report): raise --budget to at least 38s, or shorten --step-time or --warmup',
    ]);
    assert.equal(llm.stats().requests, 0, 'no request reached the target');
  }),
);

test('--warmup 0s runs the steps without a warmup, in find-limit as in run', { timeout: 120_000 }, () =>
  withMockLlm(llmOptions, async (llm) => {
    const r = await runCli(
      [
        'find-limit',
        '--target',
        llm.url,
        '--protocol',
        'openai',
        '--users',
        '1',
        '--max-users',
        '2',
        '--warmup',
        '0s',
        '--step-time',
        '1s',
        '--budget',
        '30s',
        '--out',
        tempDir(),
      ],
      { timeoutMs: 90_000 },
    );
    assert.notEqual(r.code, 2, r.stderr);
    assert.match(r.stdout, /each step 0 s warmup \+ 1 s measured/);
  }),
);
