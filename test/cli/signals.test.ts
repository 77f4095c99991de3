// Signals and a closed stdout: the run ends on time and every report is still written.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { readRun, runCli, tempDir } from './helpers.ts';

describe('signals and a closed stdout', () => {
  let fast: MockLlm;
  let slow: MockLlm;
  before(async () => {
    fast = await startMockLlm({ port: 0, firstTokenMs: 5, interTokenMs: 5, tokens: [20, 20] });
    // Streams of ~10 minutes: only an abort ends them before --stop-timeout.
    slow = await startMockLlm({ port: 0, firstTokenMs: 5, interTokenMs: 300, tokens: [2000, 2000] });
  });
  after(async () => {
    await fast.close();
    await slow.close();
  });

  const run = (url: string, out: string, extra: readonly string[] = []) => [
    'run',
    '--target',
    url,
    '--protocol',
    'openai',
    '--users',
    '2',
    '--run-time',
    '60s',
    '--out',
    out,
    ...extra,
  ];

  test('SIGHUP stops gracefully and writes every report', { timeout: 90_000 }, async () => {
    const out = tempDir();
    const began = performance.now();
    const r = await runCli(run(fast.url, out), {
      timeoutMs: 60_000,
      onSpawn: (child) => setTimeout(() => child.kill('SIGHUP'), 3000),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /SIGHUP: stopping/);
    assert.equal(readRun(out).status, 'stopped');
    for (const file of ['summary.txt', 'stats.csv', 'report.html', 'junit.xml'])
      assert.ok(existsSync(join(out, file)), file);
    assert.ok(performance.now() - began < 40_000, 'stopped long before --run-time');
  });

  test('a second SIGTERM aborts at once and still writes every report', { timeout: 90_000 }, async () => {
    const out = tempDir();
    const began = performance.now();
    const r = await runCli(run(slow.url, out, ['--stop-timeout', '120s']), {
      timeoutMs: 80_000,
      onSpawn: (child) => {
        setTimeout(() => child.kill('SIGTERM'), 3000);
        setTimeout(() => child.kill('SIGTERM'), 4500);
      },
    });
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    assert.match(r.stdout, /SIGTERM: cutting in-flight streams now/);
    assert.equal(readRun(out).status, 'aborted');
    assert.ok(existsSync(join(out, 'report.html')));
    assert.ok(performance.now() - began < 40_000, 'did not wait for the 120 s stop timeout');
  });

  test('a closed stdout (run … | head -1) neither kills the run nor loses a report', {
    timeout: 90_000,
  }, async () => {
    const out = tempDir();
    const r = await runCli(
      [
        'run',
        '--target',
        fast.url,
        '--protocol',
        'openai',
        '--users',
        '2',
        '--run-time',
        '3s',
        '--out',
        out,
        '--live-interval',
        '1s',
      ],
      {
        timeoutMs: 60_000,
        // Like `head -1`: read the first line, then close the pipe.
        onSpawn: (child) => child.stdout?.once('data', () => child.stdout?.destroy()),
      },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /EPIPE|internal error/);
    assert.equal(readRun(out).status, 'completed');
    for (const file of ['summary.txt', 'stats.csv', 'report.html', 'report.md'])
      assert.ok(existsSync(join(out, file)), file);
  });
});
