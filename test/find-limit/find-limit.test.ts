/**
 * find-limit against the real mock LLM with a capacity knee (serve llm --capacity 40), through the
 * real CLI. The mock's first token takes 1 s at full speed and (n/40)² longer beyond 40 concurrent
 * generations: a ttft p95 SLO of 1.2 s holds below the knee whatever the machine's noise (≥ 150 ms
 * of slack) and breaks by 44 users (1.21 s), so the limit must land within ±15 % of 40 users, and
 * of the equivalent rate 40 / 1.19 s ≈ 33.6/s in the open model.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FindLimitJson } from '../../src/find-limit/report.ts';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { runCli, tempDir } from '../cli/helpers.ts';

const FIRST_TOKEN_MS = 1000;
const INTER_TOKEN_MS = 10;
const TOKENS = 20;
const CAPACITY = 40;
/** One request at full speed: the first token, then the other 19 at 10 ms. */
const FULL_SPEED_MS = FIRST_TOKEN_MS + INTER_TOKEN_MS * (TOKENS - 1);

describe('find-limit against serve llm --capacity 40', () => {
  let llm: MockLlm;
  before(async () => {
    llm = await startMockLlm({
      port: 0,
      firstTokenMs: FIRST_TOKEN_MS,
      interTokenMs: INTER_TOKEN_MS,
      tokens: [TOKENS, TOKENS],
      capacity: CAPACITY,
      maxQueue: 2 * CAPACITY,
    });
  });
  after(() => llm.close());

  const common = (out: string) => [
    '--target',
    llm.url,
    '--protocol',
    'openai',
    '--slo',
    'ttft<1200ms',
    '--step-time',
    '5s',
    '--warmup',
    '2s',
    '--budget',
    '5m',
    '--out',
    out,
  ];

  function readResult(out: string): FindLimitJson {
    return JSON.parse(readFileSync(join(out, 'find-limit.json'), 'utf8')) as FindLimitJson;
  }

  test('closed model: the limit is within ±15 % of 40 users, inside a 5-minute budget', async () => {
    const out = tempDir();
    const began = performance.now();
    const r = await runCli(['find-limit', '--users', '20', ...common(out)], { timeoutMs: 330_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(performance.now() - began < 300_000);
    const result = readResult(out);
    const held = result.outcome.held!;
    assert.ok(held >= CAPACITY * 0.85 && held <= CAPACITY * 1.15, `limit ${held} users: ${result.limit}`);
    assert.equal(result.outcome.reason, 'found');
    assert.match(
      r.stdout,
      /^limit: \d+ users held \(ttft p95 \d+ ms < 1200 ms\); \d+ broke \(ttft p95 \d+ ms\)$/m,
    );
    assert.match(
      r.stdout,
      /step +load +req\/s +events\/s +ttfe p50 +ttfe p95 +ttft p95 +errors +goodput +verdict/,
    );
    // One row per step, each step's full run.json beside the report, the knee chart in report.html.
    assert.equal(result.steps[0]!.load, 20);
    for (const step of result.steps) {
      const run = JSON.parse(readFileSync(join(out, step.dir, 'run.json'), 'utf8'));
      assert.equal(run.config.users, step.load);
      assert.equal(run.config.warmup, 2000);
      assert.ok(run.durationS < 5 + 12, `measured ${run.durationS} s: the warmup is not in it`);
      assert.equal(run.thresholds[0].expr, 'ttft.p95<1200ms');
    }
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    assert.equal((md.match(/^\| \d+ \|/gm) ?? []).length, result.steps.length * 2, 'steps and checks tables');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.match(html, /id="knee"/);
    assert.ok(existsSync(join(out, 'report.html')));
  });

  test('open model: the limit is within ±15 % of the equivalent rate', async () => {
    const out = tempDir();
    const r = await runCli(['find-limit', '--rate', '16', '--max-rate', '200', ...common(out)], {
      timeoutMs: 330_000,
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const result = readResult(out);
    const equivalent = CAPACITY / (FULL_SPEED_MS / 1000);
    const held = result.outcome.held!;
    assert.ok(
      held >= equivalent * 0.85 && held <= equivalent * 1.15,
      `limit ${held}/s, expected ≈ ${equivalent.toFixed(1)}/s: ${result.limit}`,
    );
    assert.equal(result.unit, 'requests/s');
  });
});

describe('find-limit exits', () => {
  test('1 when even the first step broke; 2 on bad usage, before any load', async () => {
    const llm = await startMockLlm({ port: 0, firstTokenMs: 50, interTokenMs: 1, tokens: [3, 3] });
    try {
      const out = tempDir();
      const broke = await runCli(
        [
          'find-limit',
          '--target',
          llm.url,
          '--protocol',
          'openai',
          '--users',
          '2',
          '--slo',
          'ttft<10ms',
          '--step-time',
          '1s',
          '--warmup',
          '1s',
          '--out',
          out,
        ],
        { timeoutMs: 60_000 },
      );
      assert.equal(broke.code, 1, broke.stdout + broke.stderr);
      assert.match(broke.stdout, /no limit: even the first step, 2 users, broke \(ttft p95 \d+ ms\)/);
      const before = llm.stats().requests;
      for (const args of [
        ['--run-time', '10s'],
        ['--max-users', '5', '--users', '10'],
        ['--rate', '5', '--max-users', '10'],
        ['--slo', 'ttft>1s'],
        ['--slo-percentile', '97'],
      ]) {
        const bad = await runCli(['find-limit', '--target', llm.url, '--protocol', 'openai', ...args]);
        assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
        assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
      }
      assert.equal(llm.stats().requests, before, 'no load on bad usage');
    } finally {
      await llm.close();
    }
  });
});

describe('find-limit on the embedded targets, over --processes', () => {
  test('each step split over 2 processes, its warmup excluded from the merged run.json', async () => {
    const out = tempDir();
    const r = await runCli(
      [
        'find-limit',
        '--users',
        '2',
        '--max-users',
        '4',
        '--processes',
        '2',
        '--slo',
        'request_duration<60s',
        '--step-time',
        '2s',
        '--warmup',
        '1s',
        '--out',
        out,
      ],
      { timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /embedded targets: workflow server/);
    assert.match(r.stdout, /^limit: at least 4 users — the highest load tried held/m);
    const result = JSON.parse(readFileSync(join(out, 'find-limit.json'), 'utf8')) as FindLimitJson;
    assert.deepEqual(
      result.steps.map((s) => s.load),
      [2, 4],
    );
    for (const step of result.steps) {
      const run = JSON.parse(readFileSync(join(out, step.dir, 'run.json'), 'utf8'));
      assert.deepEqual(run.config.placement, { kind: 'processes', processes: 2 });
      assert.ok(run.totals.requests > 0 && run.totals.good === run.totals.requests - run.totals.failures);
      // The merge restarted with the workers' recorders: seconds count from the end of the warmup.
      assert.equal(run.history[0]?.elapsedS, 1);
      assert.ok(run.durationS < 2 + 12, `measured ${run.durationS} s`);
    }
  });
});
