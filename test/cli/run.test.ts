// biome-ignore-all lint/suspicious/noExplicitAny: assertions walk the JSON summary.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { WorkflowServer } from '../../src/targets/workflow-server/server.ts';
import {
  afterLoadStarts,
  readRun,
  runCli,
  startWorkflowTarget,
  tempDir,
  type WorkflowTarget,
} from './helpers.ts';

describe('streamload run against the workflow server', () => {
  let target: WorkflowTarget;
  let server: WorkflowServer;
  before(async () => {
    target = await startWorkflowTarget({ firstTokenMs: 20, interTokenMs: 2, tokens: [10, 10] });
    server = target.server;
  });
  after(() => target.close());

  test('counts equal the server counters; ttft after ttfe; node durations; reports written', async () => {
    const out = tempDir();
    const before = server.stats();
    const r = await runCli([
      'run',
      '--target',
      server.url,
      '--api-key',
      'app-llm',
      '--users',
      '3',
      '--spawn-rate',
      '10',
      '--run-time',
      '2s',
      '--out',
      out,
      '--json-summary',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const s = r.summary!;
    const after = server.stats();
    // +1: the preflight request is not part of the measured load.
    assert.equal(s.totals.requests + 1, after.runs - before.runs);
    // Each run: workflow_started, 2 × Start, LLM started, 10 text_chunk, LLM finished, 2 × End, workflow_finished.
    assert.equal(s.totals.events, 18 * s.totals.requests);
    // The server also sent the preflight's first events before the preflight hung up.
    const preflightEvents = after.events - before.events - s.totals.events;
    assert.ok(preflightEvents >= 0 && preflightEvents < 18, `preflight sent ${preflightEvents}`);
    assert.equal(s.totals.failures, 0);
    assert.ok(s.latency.ttft.p50 > s.latency.ttfe.p50);
    assert.ok(s.latency['node_duration.LLM'].count === s.totals.requests);
    for (const file of [
      'run.json',
      'stats.csv',
      'stats_history.csv',
      'failures.csv',
      'junit.xml',
      'report.md',
      'report.html',
      'summary.txt',
    ]) {
      assert.ok(existsSync(join(out, file)), file);
    }
    const run = readRun(out);
    assert.equal(run.schema, 'streamload.run/v1');
    assert.equal(run.totals.requests, s.totals.requests);
    const stats = readFileSync(join(out, 'stats.csv'), 'utf8').split('\n');
    assert.match(stats[0] ?? '', /^Type,Name,Request Count,Failure Count,Median Response Time/);
  });

  test('fixed iterations run exactly that many requests', async () => {
    const r = await runCli([
      'run',
      '--target',
      server.url,
      '--api-key',
      'app-empty',
      '--scenario',
      'empty-qps',
      '--iterations',
      '20',
      '--users',
      '4',
      '--out',
      tempDir(),
      '--json-summary',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.summary!.totals.requests, 20);
    assert.ok(r.summary!.throughput.requests.max > 0);
  });

  test('open model records latency from the scheduled start too', async () => {
    const r = await runCli([
      'run',
      '--target',
      server.url,
      '--api-key',
      'app-empty',
      '--scenario',
      'empty-qps',
      '--rate',
      '20',
      '--run-time',
      '2s',
      '--out',
      tempDir(),
      '--json-summary',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const n = r.summary!.totals.requests;
    assert.ok(n >= 35 && n <= 42, `about 40 requests, got ${n}`);
    assert.ok(r.summary!.latency.request_duration_scheduled !== undefined);
  });

  test('a failed threshold exits 1 and junit.xml has the failure', async () => {
    const out = tempDir();
    const r = await runCli([
      'run',
      '--target',
      server.url,
      '--api-key',
      'app-empty',
      '--scenario',
      'empty-qps',
      '--iterations',
      '5',
      '--users',
      '1',
      '--threshold',
      'ttfb.p95<0.0001ms',
      '--threshold',
      'error_rate<1%',
      '--out',
      out,
    ]);
    assert.equal(r.code, 1, r.stderr);
    const junit = readFileSync(join(out, 'junit.xml'), 'utf8');
    assert.match(junit, /failures="1"/);
    assert.match(junit, /<failure message="actual/);
  });

  test('a rejected API key fails the preflight with exit 2', async () => {
    const r = await runCli([
      'run',
      '--target',
      server.url,
      '--api-key',
      'app-wrong',
      '--run-time',
      '1s',
      '--out',
      tempDir(),
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /API key rejected by http:\/\/127\.0\.0\.1:\d+\/v1\/workflows\/run \(401\)/);
  });

  test('SIGINT stops the run and still writes the reports', async () => {
    const out = tempDir();
    const r = await runCli(
      [
        'run',
        '--target',
        server.url,
        '--api-key',
        'app-llm',
        '--users',
        '2',
        '--run-time',
        '30s',
        '--out',
        out,
      ],
      {
        onSpawn: (child) => afterLoadStarts(child, 1500, () => child.kill('SIGINT')),
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readRun(out).status, 'stopped');
  });

  test('a scenario file with weighted http and sse tasks', async () => {
    const dir = tempDir();
    const file = join(dir, 'scenario.ts');
    const define = new URL('../../src/engine/scenario/define.ts', import.meta.url).href;
    writeFileSync(
      file,
      `import { defineScenario } from '${define}';
export default defineScenario({ users: [{ name: 'mixed', tasks: [
  { name: 'info', weight: 1, run: (ctx) => ctx.http({ path: '/v1/info', headers: { authorization: 'Bearer app-llm' } }) },
  { name: 'stream', weight: 1, run: (ctx) => ctx.sse() },
] }] });\n`,
    );
    const r = await runCli([
      'run',
      '--target',
      server.url,
      '--api-key',
      'app-llm',
      '--scenario',
      file,
      '--iterations',
      '12',
      '--users',
      '2',
      '--out',
      dir,
      '--json-summary',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const names = r.summary!.requests.map((e: any) => e.name);
    assert.ok(names.includes('/v1/info') && names.includes('/v1/workflows/run'), names.join(','));
  });
});

describe('bad usage exits 2 naming the option', () => {
  for (const [args, pattern] of [
    [['run', '--users', 'abc'], /--users/],
    [['run', '--protocol', 'nope'], /--protocol/],
    [['run', '--no-such-flag'], /no-such-flag/],
    [['run', '--run-time', 'soon'], /--run-time/],
  ] as const) {
    test(args.join(' '), async () => {
      const r = await runCli(args);
      assert.equal(r.code, 2);
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    });
  }

  test('a config file with a bad value names file:line', async () => {
    const dir = tempDir();
    const file = join(dir, 'load.yml');
    writeFileSync(file, 'users: 5\nrun-time: 10s\nspawn-rate: fast\n');
    const r = await runCli(['run', '--config', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /load\.yml:3: spawn-rate: expected a number/);
  });
});
