/**
 * Scale-out over real transports, with a synthetic share (no engine): forked child processes over
 * IPC (`--processes N`, no coordinator), and workers dialing a WebSocket master on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { createCoordinator } from '../../src/distributed/coordinator.ts';
import { forkProcesses } from '../../src/distributed/processes.ts';
import { createSyntheticShare } from '../../src/distributed/test-share.ts';
import { runWorker } from '../../src/distributed/worker.ts';
import { connectToMaster, listenForWorkers } from '../../src/distributed/ws.ts';
import { summarize } from '../../src/metrics/summary.ts';

/** Polls `done` every 20 ms, failing after `timeoutMs`. */
async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The children's exit codes, once they all exited. */
const exitCodes = (children: readonly ChildProcess[]) =>
  Promise.all(
    children.map((c) => (c.exitCode !== null ? c.exitCode : once(c, 'exit').then(([code]) => code))),
  );

const SHARE_MODULE = fileURLToPath(new URL('../../src/distributed/test-share.ts', import.meta.url));
const SLOW_SHARE_MODULE = fileURLToPath(new URL('../fixtures/shares/slow-loading.ts', import.meta.url));
const CHILD_ENTRY = fileURLToPath(new URL('../../src/cli/process-child.ts', import.meta.url));
const plan = { users: 4, spawnRate: 4, rate: null, iterations: null };

/** Two children of the synthetic share (or of `module`) over IPC. */
const forkTwo = (
  config: Record<string, unknown>,
  notice: (line: string) => void = () => {},
  module = SHARE_MODULE,
) => forkProcesses({ processes: 2, config, plan, entry: CHILD_ENTRY, args: [module], notice });

describe('child processes over IPC', { timeout: 90_000 }, () => {
  test('two processes complete; merged totals are the sum of what each reported', async () => {
    const pool = forkTwo({ syntheticRunMs: 2200 });
    try {
      const perSecond: number[] = [];
      pool.onTick((s) => perSecond.push(s.totals.requests));
      const result = await pool.done;
      assert.equal(result.partial, null);
      const summary = summarize(result.snapshot);
      // 4 users, one request each per 20 ms for ~2.2 s: well over 200 requests.
      assert.ok(summary.totals.requests > 200, `requests ${summary.totals.requests}`);
      assert.equal(summary.totals.events, summary.totals.requests * 3);
      // Totals are the sum over the workers, and their shares sum to the plan.
      assert.equal(result.workers.length, 2);
      for (const key of ['requests', 'failures', 'streams', 'events', 'bytes', 'tokens'] as const) {
        assert.equal(
          result.workers.reduce((t, w) => t + (w.totals?.[key] ?? 0), 0),
          summary.totals[key],
          key,
        );
      }
      assert.equal(
        result.workers.reduce((t, w) => t + w.share.users, 0),
        plan.users,
      );
      assert.ok(perSecond.length >= 1 && perSecond.every((n, i) => i === 0 || n >= perSecond[i - 1]!));
      assert.deepEqual(await exitCodes(pool.children), [0, 0]);
    } finally {
      await pool.close();
    }
  });

  test('SIGKILL of one process mid-run: the run completes partial, with a clear notice', async () => {
    const notices: string[] = [];
    const pool = forkTwo({ syntheticRunMs: 3500 }, (l) => notices.push(l));
    try {
      // Mid-run: 2 s after the common start.
      await pool.started;
      await new Promise((r) => setTimeout(r, (pool.startAt as number) - Date.now() + 2000));
      pool.children[1]!.kill('SIGKILL');
      const result = await pool.done;
      assert.ok(result.partial);
      assert.equal(result.partial.lostWorkers, 1);
      assert.match(
        result.partial.notice,
        /1 of 2 workers lost.*segment 2\/2: 2 users.*process exited \(SIGKILL\)/,
      );
      assert.match(notices.join('\n'), /lost \(process exited \(SIGKILL\)\): the run continues/);
      assert.ok(summarize(result.snapshot).totals.requests > 0);
    } finally {
      await pool.close();
    }
  });

  test('the common start waits for the slowest child to load: none starts late or does less', async () => {
    const forkedAt = Date.now();
    const pool = forkTwo({ syntheticRunMs: 1500 }, () => {}, SLOW_SHARE_MODULE);
    try {
      const before = pool.startAt;
      assert.equal(before, null, 'no start is set before the children have loaded');
      await pool.started;
      // The module takes 4 s to load: a start guessed at the fork would have passed by then.
      const startedAfterMs = (pool.startAt ?? Number.NaN) - forkedAt;
      assert.ok(startedAfterMs >= 4000, `start ${startedAfterMs} ms after the fork`);
      const result = await pool.done;
      assert.equal(result.partial, null);
      assert.deepEqual(
        result.workers.map((w) => w.status),
        ['completed', 'completed'],
      );
      // Every second of the merged history has every user: both children began at the same instant.
      const rows = summarize(result.snapshot).history;
      assert.ok(rows.length >= 1);
      assert.ok(
        rows.every((row) => row.users === plan.users),
        JSON.stringify(rows.map((r) => r.users)),
      );
    } finally {
      await pool.close();
    }
  });

  /**
   * Two children of a long synthetic share, once both reported their users (a child loading slowly
   * on a busy machine may start after the common start) and `afterMs` more.
   */
  async function longRun(afterMs: number, notices: string[] = []) {
    const pool = forkTwo({ syntheticRunMs: 60_000 }, (l) => notices.push(l));
    await until(() => pool.snapshot().users === plan.users, 30_000);
    await new Promise((r) => setTimeout(r, afterMs));
    return pool;
  }

  test("the parent's stop: every child ends stopped with what it measured; nothing is partial", async () => {
    const pool = await longRun(1500);
    try {
      pool.stop('graceful');
      const result = await pool.done;
      assert.equal(result.partial, null);
      assert.deepEqual(
        result.workers.map((w) => w.status),
        ['stopped', 'stopped'],
      );
      assert.ok(result.workers.every((w) => (w.totals?.requests ?? 0) > 0));
      assert.deepEqual(await exitCodes(pool.children), [0, 0]);
    } finally {
      await pool.close();
    }
  });

  test('a child stopped by its own SIGTERM: stopped, its measurements kept, partial with a notice', async () => {
    const notices: string[] = [];
    const pool = await longRun(1500, notices);
    try {
      pool.children[0]!.kill('SIGTERM');
      await until(() => notices.length > 0, 15_000);
      pool.stop('graceful');
      const result = await pool.done;
      assert.deepEqual(
        result.workers.map((w) => w.status),
        ['stopped', 'stopped'],
      );
      assert.ok((result.workers[0]!.totals?.requests ?? 0) > 0, 'its measurements are kept');
      assert.match(result.workers[0]!.warnings.join('\n'), /stopped on its own SIGTERM/);
      assert.equal(result.partial?.lostWorkers, 1);
      assert.match(
        result.partial?.notice ?? '',
        /1 of 2 workers stopped before their share ended.*segment 1\/2: 2 users\) stopped on its own/,
      );
      assert.match(notices.join('\n'), /process 1 .*stopped on its own: segment 1\/2 .*ends early/);
    } finally {
      await pool.close();
    }
  });
});

describe('WebSocket master and workers on 127.0.0.1', { timeout: 20_000 }, () => {
  test('two workers join, run their shares, and the master merges them', async () => {
    const coordinator = createCoordinator({ expectWorkers: 2, config: {}, plan, notice: () => {} });
    const listener = await listenForWorkers(coordinator, { host: '127.0.0.1', port: 0, token: 'tok' });
    try {
      const start = createSyntheticShare({ runMs: 1500 });
      const outcomes = Promise.all(
        [1, 2].map(async () =>
          runWorker(await connectToMaster('127.0.0.1', listener.port, { retryForMs: 2000 }), start, {
            token: 'tok',
          }),
        ),
      );
      const result = await coordinator.done;
      assert.deepEqual(
        (await outcomes).map((o) => o.exitCode),
        [0, 0],
      );
      assert.equal(result.partial, null);
      assert.equal(result.snapshot.users, 4);
    } finally {
      await listener.close();
    }
  });

  test('connections still owing their hello are capped; a worker still joins after they go', async () => {
    const coordinator = createCoordinator({ expectWorkers: 1, config: {}, plan, notice: () => {} });
    const refused: string[] = [];
    const listener = await listenForWorkers(coordinator, {
      host: '127.0.0.1',
      port: 0,
      token: 'tok',
      maxPending: 3,
      onRefused: (from) => refused.push(from),
    });
    try {
      const silent = await Promise.all(
        Array.from({ length: 5 }, async () => {
          const socket = new WebSocket(`ws://127.0.0.1:${listener.port}/`);
          await once(socket, 'open');
          return socket;
        }),
      );
      await until(() => refused.length >= 2, 5000);
      assert.equal(refused.length, 2, 'the two over the cap are cut at once');
      for (const socket of silent) socket.terminate();
      await new Promise((r) => setTimeout(r, 300));
      const link = await connectToMaster('127.0.0.1', listener.port, { retryForMs: 2000 });
      const outcome = await runWorker(link, createSyntheticShare({ runMs: 300 }), { token: 'tok' });
      assert.equal(outcome.exitCode, 0, outcome.message);
      await coordinator.done;
    } finally {
      await listener.close();
    }
  });

  test('a worker retries until the master is up, and gives up with a clear message', async () => {
    // A free port: bind on 0, read it, close.
    const probe = createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const coordinator = createCoordinator({ expectWorkers: 1, config: {}, plan, notice: () => {} });
    const logs: string[] = [];
    const dialing = connectToMaster('127.0.0.1', port, { retryForMs: 5000, log: (l) => logs.push(l) });
    await new Promise((r) => setTimeout(r, 1200));
    const listener = await listenForWorkers(coordinator, { host: '127.0.0.1', port, token: null });
    try {
      const link = await dialing;
      assert.match(logs.join('\n'), /not reachable yet .*retrying/);
      const outcome = await runWorker(link, createSyntheticShare({ runMs: 300 }));
      assert.equal(outcome.exitCode, 0);
      await coordinator.done;
    } finally {
      await listener.close();
    }
    await assert.rejects(
      connectToMaster('127.0.0.1', port, { retryForMs: 1200 }),
      /cannot reach the master at ws:\/\/127\.0\.0\.1:\d+\/ after \d+ attempts: connect ECONNREFUSED/,
    );
  });
});
