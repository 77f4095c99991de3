// biome-ignore-all lint/suspicious/noExplicitAny: assertions walk run.json.
/**
 * Client-side controls through the real CLI against real servers on 127.0.0.1, counted against the
 * server's own count of requests received. Bounds are generous: the machine may be shared.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { closeServer, listenLocal, readRun, runCli, tempDir, withMockLlm } from './helpers.ts';

const FAST = { port: 0, seed: 1, firstTokenMs: 5, interTokenMs: 1, tokens: [4, 4] as const };
const PREFLIGHT = 1; // the one request `run` sends before the load

async function run(target: string, args: readonly string[], timeoutMs = 120_000) {
  const out = tempDir();
  const r = await runCli(
    ['run', '--target', target, '--out', out, '--json-summary', '--live-interval', '60s', ...args],
    { timeoutMs },
  );
  return { ...r, out, run: readRun(out) as any };
}

describe("against serve llm --fail-429 30%: the server's view and the users' view", () => {
  test('without retry the error rate is about 30 %; no operations are reported', async () => {
    await withMockLlm({ ...FAST, faultRates: { rate_limit: 0.3 } }, async (llm) => {
      const r = await run(llm.url, ['--protocol', 'openai', '--users', '10', '--iterations', '300']);
      assert.equal(r.code, 0, r.stderr);
      const s = r.run;
      assert.equal(s.totals.requests, 300);
      assert.ok(s.error_rate > 0.2 && s.error_rate < 0.4, `error rate ${s.error_rate}`);
      assert.equal(s.errors.rate_limited, s.totals.failures);
      assert.equal(s.operations, null);
      assert.equal(s.operation_error_rate, s.error_rate);
      assert.equal(llm.stats().requests, s.totals.requests + PREFLIGHT);
    });
  });

  test('with --retry 3: ≥ 97 % of operations succeed, every attempt is a request the server saw, retries = requests − operations', async () => {
    await withMockLlm({ ...FAST, faultRates: { rate_limit: 0.3 } }, async (llm) => {
      const r = await run(llm.url, [
        '--protocol',
        'openai',
        '--users',
        '10',
        '--iterations',
        '300',
        '--retry',
        '3',
        '--retry-on',
        '429,5xx,connection_error,timeout',
        // The mock's Retry-After: 1 is honoured, capped by the backoff maximum.
        '--backoff',
        '10ms..50ms',
        '--jitter',
        'full',
        '--threshold',
        'operation_error_rate<3%',
        '--threshold',
        'error_rate<45%',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const s = r.run;
      const ops = s.operations;
      assert.equal(ops.total, 300, 'each iteration is one operation');
      assert.ok(ops.success_rate >= 0.97, `success ${ops.success_rate}`);
      assert.equal(llm.stats().requests, s.totals.requests + PREFLIGHT, "the server's own count");
      assert.equal(ops.retries.total, s.totals.requests - ops.total);
      assert.equal(ops.retries.byCause.rate_limited, ops.retries.total);
      assert.ok(s.error_rate > 0.15, `the server still saw 429s: ${s.error_rate}`);
      assert.equal(ops.succeeded + ops.failed, 300);
      assert.ok(ops.succeededAfterRetry > 0);
      assert.equal(s.latency.attempts_per_operation.count, 300);
      assert.ok(s.latency.operation_duration.p95 >= s.latency.request_duration.p50);
      assert.ok(
        s.thresholds.every((t: any) => t.ok),
        JSON.stringify(s.thresholds),
      );
      // Both views, side by side, in summary.txt (the console's end summary) and the reports.
      assert.match(
        readFileSync(join(r.out, 'summary.txt'), 'utf8'),
        /server saw [\d,]+ requests, [\d.]+ % failed \([\d.]+ % rate_limited\); users saw 300 operations, [\d.]+ % succeeded, p95 [\d.]+ s including retries/,
      );
      assert.match(readFileSync(join(r.out, 'report.md'), 'utf8'), /## Client-side controls/);
      assert.match(readFileSync(join(r.out, 'report.html'), 'utf8'), /id="chart-operations"/);
    });
  });
});

test('--client-rate 20 for 30 s: 600 ± 5 % requests at the server; the wait is queue_wait, not latency', async () => {
  await withMockLlm(FAST, async (llm) => {
    const r = await run(llm.url, [
      '--protocol',
      'openai',
      '--users',
      '10',
      '--run-time',
      '30s',
      '--client-rate',
      '20',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const received = llm.stats().requests - PREFLIGHT;
    assert.ok(received >= 570 && received <= 630, `server received ${received}`);
    const s = r.run;
    assert.equal(s.totals.requests, received);
    assert.ok(s.latency.queue_wait.p50 > 100, `10 users share 20 tokens/s: ${s.latency.queue_wait.p50} ms`);
    assert.ok(s.latency.request_duration.p50 < s.latency.queue_wait.p50, 'the wait is not in the latency');
    assert.ok(s.history.some((h: any) => h.controls?.queueWaits > 0));
  });
});

test('--max-concurrency 5: never more than 5 streams open, at the server or in any second', async () => {
  await withMockLlm({ ...FAST, firstTokenMs: 50, interTokenMs: 10, tokens: [10, 10] }, async (llm) => {
    let serverMax = 0;
    const poll = setInterval(() => {
      serverMax = Math.max(serverMax, llm.stats().active);
    }, 10);
    poll.unref(); // never keeps the test process alive, even when an assertion throws first
    const r = await run(llm.url, [
      '--protocol',
      'openai',
      '--users',
      '20',
      '--run-time',
      '6s',
      '--max-concurrency',
      '5',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const s = r.run;
    assert.ok(s.totals.requests > 20);
    assert.ok(s.connections.maxConcurrent <= 5, `max ${s.connections.maxConcurrent}`);
    assert.ok(
      s.history.every((h: any) => h.activeConnections <= 5),
      JSON.stringify(s.history.map((h: any) => h.activeConnections)),
    );
    clearInterval(poll);
    assert.ok(serverMax <= 5 && serverMax >= 3, `server saw at most ${serverMax} at once`);
  });
});

/** A target failing every request with 500 until `recover()`; then one event and a clean end. */
async function failingTarget() {
  let failing = true;
  let failed = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    if (failing) {
      failed++;
      res.writeHead(500, { 'content-type': 'text/plain' }).end('down');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' }).end('data: ok\n\n');
  });
  const url = await listenLocal(server);
  return {
    url,
    failed: () => failed,
    recover: () => {
      failing = false;
    },
    close: () => closeServer(server),
  };
}

test('--circuit-breaker failures=5,window=10s,open=5s cuts the requests a failing target receives by ≥ 80 %; opens and closes in run.json and the chart', async () => {
  const args = ['--protocol', 'sse', '--path', '/', '--users', '5', '--wait', '20ms'];
  const plain = await failingTarget();
  let plainPerSecond: number;
  try {
    const r = await run(plain.url, [...args, '--run-time', '8s']);
    assert.notEqual(r.code, 2, r.stderr);
    plainPerSecond = (plain.failed() - PREFLIGHT) / r.run.durationS;
  } finally {
    await plain.close();
  }

  const guarded = await failingTarget();
  // Down for 7 s, then healthy: the breaker opens at once, probes at ~5 s (fails: open again),
  // probes at ~10 s (succeeds: closed).
  const recovery = setTimeout(guarded.recover, 7_000);
  try {
    const r = await run(guarded.url, [
      ...args,
      '--run-time',
      '14s',
      '--circuit-breaker',
      'failures=5,window=10s,open=5s',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const guardedPerSecond = (guarded.failed() - PREFLIGHT) / 7;
    assert.ok(
      guardedPerSecond <= 0.2 * plainPerSecond,
      `failing target: ${guardedPerSecond.toFixed(1)}/s with the breaker vs ${plainPerSecond.toFixed(1)}/s without`,
    );
    const s = r.run;
    const ops = s.operations;
    assert.ok(
      ops.circuitBreaker.opens >= 1 && ops.circuitBreaker.closes >= 1,
      JSON.stringify(ops.circuitBreaker),
    );
    assert.ok(ops.rejections.circuit_open > 0);
    assert.equal(s.totals.failures, s.errors.http_5xx, 'refusals are not failures');
    const states = s.history.map((h: any) => h.controls?.breaker);
    assert.ok(states.includes('open') && states.at(-1) === 'closed', JSON.stringify(states));
    const html = readFileSync(join(r.out, 'report.html'), 'utf8');
    assert.match(html, /id="chart-breaker"/);
    assert.match(html, /id="chart-queue-wait"/);
  } finally {
    clearTimeout(recovery);
    await guarded.close();
  }
});

test('scenario files: `controls` set the run policy; ctx.withRetry and createTokenBucket compose; config files set controls too', async () => {
  let count = 0;
  let flaky = 0;
  const server = createServer((req, res) => {
    count++;
    req.resume();
    // Every other /flaky request fails: a retry gets through.
    const fail = req.url === '/flaky' && flaky++ % 2 === 0;
    res.writeHead(fail ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
  });
  const url = await listenLocal(server);
  const dir = tempDir();
  const index = new URL('../../src/index.ts', import.meta.url).href;
  writeFileSync(
    join(dir, 'scenario.ts'),
    `import { createTokenBucket, defineScenario } from '${index}';
const bucket = createTokenBucket({ rate: 1000, burst: 5 });
export default defineScenario({
  controls: { retry: 5, backoff: '5ms..20ms', retryOn: '5xx' },
  users: [{ name: 'u', tasks: [
    { name: 'flaky', run: (ctx) => ctx.http({ path: '/flaky' }) },
    { name: 'two-step', run: async (ctx) => {
      await bucket.take();
      return ctx.withRetry(async () => {
        await ctx.http({ path: '/ok' });
        return ctx.http({ path: '/flaky' });
      }, { retries: 5, backoff: { minMs: 5, maxMs: 20 } });
    } },
  ] }],
});
`,
  );
  writeFileSync(
    join(dir, 'streamload.yml'),
    'max-concurrency: 2\ncircuitBreaker: failures=1000,window=10s,open=1s\n',
  );
  try {
    const r = await run(url, [
      '--protocol',
      'sse',
      '--scenario',
      join(dir, 'scenario.ts'),
      '--config',
      join(dir, 'streamload.yml'),
      '--users',
      '3',
      '--iterations',
      '40',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const s = r.run;
    assert.equal(s.config.controls.maxConcurrency, 2);
    assert.equal(s.config.controls.circuitBreaker.failures, 1000);
    const ops = s.operations;
    // --iterations counts the requests tasks ask for (issue 14): the two-step task's calls, its
    // withRetry re-runs included, each take one; --retry's own retries do not. So fewer than 40
    // operations, each a task, and never more.
    assert.ok(ops.total > 0 && ops.total < 40, `operations ${ops.total}`);
    assert.ok(ops.retries.total > 0 && ops.retries.byCause.http_5xx === ops.retries.total);
    assert.ok(ops.success_rate >= 0.95, `success ${ops.success_rate}`);
    assert.equal(count, s.totals.requests + PREFLIGHT);
    assert.ok(s.connections.maxConcurrent <= 2);
  } finally {
    await closeServer(server);
  }
});

test("a scenario's own controls are echoed in run.json config.controls, flags over them, in one process and in --processes 2", async () => {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const url = await listenLocal(server);
  const dir = tempDir();
  const index = new URL('../../src/index.ts', import.meta.url).href;
  writeFileSync(
    join(dir, 'scenario.ts'),
    `import { defineScenario } from '${index}';
export default defineScenario({
  controls: { retry: 2, backoff: '5ms..20ms', clientRate: 500, 'max-concurrency': 3 },
  users: [{ name: 'u', tasks: [{ name: 'ok', run: (ctx) => ctx.http({ path: '/ok' }) }] }],
});
`,
  );
  try {
    const args = ['--protocol', 'sse', '--scenario', join(dir, 'scenario.ts'), '--users', '2'];
    for (const extra of [[], ['--processes', '2']]) {
      const r = await run(url, [...args, '--iterations', '20', '--retry', '4', '--jitter', 'none', ...extra]);
      assert.equal(r.code, 0, r.stderr);
      const { controls } = r.run.config;
      assert.deepEqual(
        {
          retry: controls.retry,
          jitter: controls.jitter,
          backoff: controls.backoff,
          clientRate: controls.clientRate,
          maxConcurrency: controls.maxConcurrency,
          circuitBreaker: controls.circuitBreaker,
        },
        {
          retry: 4, // the flag over the scenario's 2
          jitter: 'none',
          backoff: { minMs: 5, maxMs: 20 },
          clientRate: 500,
          maxConcurrency: 3,
          circuitBreaker: null, // given by neither
        },
        `config.controls ${extra.join(' ')}`,
      );
      assert.equal(r.run.operations.total, 20, 'the controls were on');
    }
  } finally {
    await closeServer(server);
  }
});

test('--processes 2 --client-rate 20: the processes share the rate (10 s → 200 ± 10 % at the server)', async () => {
  await withMockLlm(FAST, async (llm) => {
    const r = await run(llm.url, [
      '--protocol',
      'openai',
      '--users',
      '10',
      '--run-time',
      '10s',
      '--client-rate',
      '20',
      '--processes',
      '2',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const received = llm.stats().requests - PREFLIGHT;
    assert.ok(received >= 180 && received <= 220, `server received ${received}`);
    assert.equal(r.run.totals.requests, received);
    assert.equal(r.run.latency.queue_wait.count, received, 'merged exactly across the processes');
  });
});
