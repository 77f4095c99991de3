/**
 * `streamload master` when the workers fail it: no worker at all, or every worker lost before it
 * measured anything. One clear line, exit 2, no stack, no unhandled rejection, and the process ends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { runCli, tempDir } from '../cli/helpers.ts';
import { joinAsWorker } from './fake-worker.ts';

const master = (target: string, joinTimeoutS: string) => [
  'master',
  '--target',
  target,
  '--protocol',
  'openai',
  '--users',
  '2',
  '--run-time',
  '5s',
  '--out',
  tempDir(),
  '--expect-workers',
  '1',
  '--master-port',
  '0',
  '--join-timeout',
  joinTimeoutS,
];

function assertOneLine(r: { code: number | null; stderr: string }, message: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !/listening for workers|lost \(|left before/.test(l));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] as string, message);
  assert.doesNotMatch(r.stderr, /\n\s+at |internal error|Unhandled|unhandled/);
}

describe('master error paths', () => {
  // The master's preflight needs a target that streams before it waits for workers.
  let llm: MockLlm;
  before(async () => {
    llm = await startMockLlm({ port: 0 });
  });
  after(() => llm.close());

  test('no worker joins: one line, exit 2, and the master exits', { timeout: 60_000 }, async () => {
    const began = performance.now();
    const r = await runCli(master(llm.url, '2'), { timeoutMs: 40_000 });
    assertOneLine(r, /^streamload: waited 2 s for 1 worker\(s\); 0 joined/);
    assert.ok(performance.now() - began < 30_000, 'ended soon after the join timeout');
  });

  test('every worker lost before measuring: one line, exit 2', { timeout: 60_000 }, async () => {
    const r = await runCli(master(llm.url, '30'), {
      timeoutMs: 40_000,
      onSpawn: (child) => {
        let stderr = '';
        child.stderr?.on('data', async (d: Buffer) => {
          stderr += String(d);
          const match = /listening for workers on 127\.0\.0\.1:(\d+)/.exec(stderr);
          if (match === null || stderr.includes('#joined')) return;
          stderr += '#joined';
          // A worker that joins and vanishes before its first snapshot: it may leave at once, or the
          // master may drop it first (it never sends a heartbeat); either way the master has nothing
          // measured, and a join the master cut is part of the scenario, not a test failure.
          try {
            const socket = await joinAsWorker(match[1] as string, 'h');
            socket.terminate();
          } catch {}
          await sleep(10);
        });
      },
    });
    assertOneLine(r, /^streamload: every worker was lost before sending a measurement, nothing to report/);
  });
});
