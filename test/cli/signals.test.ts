// Signals and a closed stdout: the run ends on time and every report is still written.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { afterLoadStarts, listenLocal, readRun, runCli, tempDir } from './helpers.ts';

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
      onSpawn: (child) => afterLoadStarts(child, 1500, () => child.kill('SIGHUP')),
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
      onSpawn: (child) =>
        afterLoadStarts(child, 1500, () => {
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGTERM'), 1500);
        }),
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

  test('a signal before the load (a preflight that never answers) ends at once: exit 130, one line', {
    timeout: 60_000,
  }, async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    const url = await listenLocal(silent);
    try {
      const began = performance.now();
      const r = await runCli(['run', '--target', url, '--protocol', 'openai', '--out', tempDir()], {
        timeoutMs: 40_000,
        onSpawn: (child) => {
          const wait = setInterval(() => {
            if (sockets.size === 0) return;
            clearInterval(wait);
            child.kill('SIGINT');
          }, 100);
        },
      });
      assert.equal(r.code, 130, r.stderr);
      assert.equal(r.stderr.trim(), 'streamload: SIGINT before the load started: nothing was measured');
      assert.ok(performance.now() - began < 30_000, 'did not wait for the 60 s first-byte timeout');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
