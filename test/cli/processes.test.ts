// The processes around a run: the embedded target child, ports in use.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readRun, runCli, tempDir } from './helpers.ts';

/** The pids of a process's direct children (Linux/macOS `ps`). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** Resolves when `url` refuses connections (true) or after `ms` (false). */
async function refusesWithin(url: string, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
    } catch (error) {
      if (((error as Error).cause as NodeJS.ErrnoException | undefined)?.code === 'ECONNREFUSED') return true;
    }
    await sleep(200);
  }
  return false;
}

function occupiedPort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: (server.address() as { port: number }).port, server }),
    );
  });
}

describe('embedded targets', { skip: process.platform === 'win32' }, () => {
  test('a dead embedded target stops the run at once, is named, and the reports are written', {
    timeout: 90_000,
  }, async () => {
    const out = tempDir();
    const began = performance.now();
    const r = await runCli(['run', '--users', '4', '--run-time', '60s', '--out', out], {
      timeoutMs: 60_000,
      onSpawn: (child) => {
        child.stdout?.on('data', function kill(d: Buffer) {
          if (!String(d).includes('load:')) return;
          child.stdout?.off('data', kill);
          setTimeout(() => {
            for (const pid of childrenOf(child.pid as number)) process.kill(pid, 'SIGKILL');
          }, 1500);
        });
      },
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /embedded target exited \(signal SIGKILL\)/);
    assert.doesNotMatch(r.stderr, /internal error|unsettled/);
    const run = readRun(out);
    assert.match(run.warnings.join('\n'), /embedded target exited/);
    assert.ok(run.errors.connection_error < 200, `${run.errors.connection_error} connection errors`);
    assert.ok(existsSync(join(out, 'report.html')));
    assert.ok(performance.now() - began < 40_000, 'stopped long before --run-time');
  });

  test('the embedded target exits when its parent is SIGKILLed', { timeout: 60_000 }, async () => {
    let workflowUrl = '';
    await runCli(['run', '--users', '1', '--run-time', '60s', '--out', tempDir()], {
      timeoutMs: 40_000,
      onSpawn: (child) => {
        child.stdout?.on('data', (d: Buffer) => {
          const match = /workflow server (http:\/\/\S+),/.exec(String(d));
          if (match === null || workflowUrl !== '') return;
          workflowUrl = match[1] as string;
          child.kill('SIGKILL');
        });
      },
    });
    assert.notEqual(workflowUrl, '', 'the embedded targets started');
    assert.ok(await refusesWithin(`${workflowUrl}/v1/parameters`, 15_000), 'the orphan stopped listening');
  });
});

describe('a port in use is one line and exit 2', () => {
  for (const command of ['llm', 'workflow']) {
    test(`serve ${command}`, { timeout: 60_000 }, async () => {
      const { port, server } = await occupiedPort();
      try {
        const r = await runCli(['serve', command, '--port', String(port)], { timeoutMs: 30_000 });
        assert.equal(r.code, 2, r.stderr);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`));
      } finally {
        server.close();
      }
    });
  }
});
