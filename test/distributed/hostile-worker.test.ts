/**
 * A worker that proves the token and then sends a snapshot with a damaged histogram and negative
 * counts (issue 29 H3): the master drops it, names why, writes the reports of the real worker's
 * share with `partial` set, and never exits 70. Real master and worker CLIs, our own hostile
 * WebSocket peer, the mock LLM on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { runWorkload } from '../../src/metrics/test-workload.ts';
import { readRun, runCli, tempDir, withMockLlm } from '../cli/helpers.ts';
import { joinAsWorker } from './fake-worker.ts';

const TOKEN = 'hostile-test-token';

/** Sockets of the hostile worker, closed at the end whatever happened (the test file must exit). */
const sockets = new Set<{ terminate(): void }>();

/** Joins, takes its share, then sends snapshots a merge would choke on. */
async function hostileWorker(port: string): Promise<void> {
  const socket = await joinAsWorker(port, 'evil', TOKEN);
  sockets.add(socket);
  const snapshot = JSON.parse(JSON.stringify(runWorkload(3, 1, 2).whole));
  snapshot.histograms.ttfe = 'HISTFAAAACB4nJNpmSzMwMDAxQABzFCaEUzOhdIADXgA-damaged';
  snapshot.totals.requests = -7;
  for (let i = 0; i < 3 && socket.readyState === WebSocket.OPEN; i++) {
    socket.send(JSON.stringify({ type: 'snapshot', snapshot }));
    await sleep(300);
  }
  socket.close();
}

test('H3: a token-holding worker sending a damaged snapshot is dropped; the run is partial, never exit 70', {
  timeout: 300_000,
}, async (t) => {
  t.after(() => {
    for (const socket of sockets) socket.terminate();
  });
  await withMockLlm({ port: 0, firstTokenMs: 5, interTokenMs: 2, tokens: [5, 5] }, async (llm) => {
    const out = tempDir();
    const env = { STREAMLOAD_MASTER_TOKEN: TOKEN };
    const workers: Promise<unknown>[] = [];
    const master = await runCli(
      [
        'master',
        ...['--target', llm.url, '--protocol', 'openai', '--users', '4', '--run-time', '4s'],
        ...[
          '--out',
          out,
          '--expect-workers',
          '2',
          '--master-port',
          '0',
          '--join-timeout',
          '150',
          '--json-summary',
        ],
      ],
      {
        env,
        timeoutMs: 240_000,
        onSpawn: (child) => {
          let stderr = '';
          child.stderr?.on('data', (d: Buffer) => {
            stderr += String(d);
            const match = /listening for workers on 127\.0\.0\.1:(\d+)/.exec(stderr);
            if (match === null || workers.length > 0) return;
            const port = match[1] as string;
            workers.push(
              runCli(['worker', '--master-host', '127.0.0.1', '--master-port', port], {
                env,
                timeoutMs: 240_000,
              }),
              hostileWorker(port),
            );
          });
        },
      },
    );
    await Promise.allSettled(workers);
    assert.notEqual(master.code, 70, master.stderr);
    assert.doesNotMatch(master.stderr, /\n\s+at |internal error/);
    assert.match(master.stderr, /snapshot\.(histograms\."ttfe"|totals\.requests) must be/);
    const run = readRun(out);
    assert.ok(run.partial !== null && run.partial !== undefined, JSON.stringify(run.partial));
    assert.ok(run.totals.requests > 0, 'the real worker’s share is reported');
    assert.ok(run.totals.requests >= 0 && run.totals.failures >= 0);
  });
});
