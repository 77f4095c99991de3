/**
 * Streams that streamload itself cuts (the stop timeout at the run's end) are `cancelled`, not the
 * server's failures: a fault-free mock LLM with 6 s streams and `--stop-timeout 2s` must pass
 * `error_rate<1%` (issue 12: it used to report 50 % errors and exit 1). Real CLI, real server.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRun } from '../../src/index.ts';
import { resolveRunConfig } from '../../src/run-config/resolve.ts';
import { startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { listenLocal, runCli, tempDir } from '../cli/helpers.ts';

test('a fault-free run whose last streams are cut at the stop timeout: 0 failures, cancelled > 0, exit 0', {
  timeout: 120_000,
}, async () => {
  // 60 tokens 100 ms apart: every stream lasts about 6 s.
  const llm = await startMockLlm({ port: 0, firstTokenMs: 100, interTokenMs: 100, tokens: [60, 60] });
  try {
    const out = tempDir();
    const began = performance.now();
    // The first streams finish at ~6 s; the ones started then are cut at 7 s + 2 s.
    const r = await runCli(
      [
        'run',
        '--target',
        llm.url,
        '--protocol',
        'openai',
        '--users',
        '3',
        '--spawn-rate',
        '100',
        '--run-time',
        '7s',
        '--stop-timeout',
        '2s',
        '--threshold',
        'error_rate<1%',
        '--out',
        out,
        '--json-summary',
      ],
      { timeoutMs: 90_000 },
    );
    const wallMs = performance.now() - began;
    assert.equal(r.code, 0, r.stderr);
    assert.ok(wallMs < 60_000, `ended after ${wallMs} ms`);
    const s = r.summary!;
    assert.equal(s.totals.failures, 0, JSON.stringify(s.errors));
    assert.equal(s.error_rate, 0);
    assert.ok(s.totals.requests >= 3, JSON.stringify(s.totals));
    assert.ok(s.totals.cancelled > 0, JSON.stringify(s.totals));
    assert.ok(
      Object.values(s.errors).every((n) => n === 0),
      JSON.stringify(s.errors),
    );
    // The cut streams still count what they measured: their first events and TTFE.
    assert.ok(s.latency.ttfe.count >= s.totals.requests + s.totals.cancelled, JSON.stringify(s.latency.ttfe));
    assert.ok(s.totals.events > s.totals.requests * 60, `events ${s.totals.events}`);
    // Said apart in the console summary and in the reports.
    assert.match(r.stderr, /Cancelled: \d+ cut by streamload itself/);
    assert.match(readFileSync(join(out, 'summary.txt'), 'utf8'), /Cancelled: \d+/);
    assert.match(readFileSync(join(out, 'report.md'), 'utf8'), /\| Cancelled \|/);
    assert.equal(
      JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).totals.cancelled,
      s.totals.cancelled,
    );
  } finally {
    await llm.close();
  }
});

test('an abort (the second Ctrl-C) cuts open streams as cancelled, keeping what they measured', {
  timeout: 60_000,
}, async () => {
  // Streams that send one event and then never end.
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"a":1}\n\n');
  });
  const origin = await listenLocal(server);
  try {
    const config = resolveRunConfig({
      flags: { target: origin, protocol: 'sse', users: 3, spawnRate: 100, runTime: 60_000 },
      env: {},
      cwd: process.cwd(),
    });
    const handle = await startRun(config, { origin });
    const began = performance.now();
    // Abort once every user's stream delivered its event.
    while (handle.snapshot().totals.events < 3 && performance.now() - began < 20_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    handle.abort();
    const run = await handle.done;
    assert.equal(run.status, 'aborted');
    assert.equal(run.totals.cancelled, 3, JSON.stringify(run.totals));
    assert.equal(run.totals.failures, 0, JSON.stringify(run.errors));
    assert.equal(run.error_rate, 0);
    assert.equal(run.latency.ttfe?.count, 3, 'the cut streams still count their first event');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
