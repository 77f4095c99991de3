/**
 * Executors with fake users (no network): they schedule iterations and never know what a user does.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classifyStatus, classifyTransportError } from '../../src/engine/classify.ts';
import { createClosedExecutor } from '../../src/engine/executors/closed.ts';
import { createOpenExecutor } from '../../src/engine/executors/open.ts';
import { stageTotalS, stageValue } from '../../src/engine/executors/stages.ts';
import type { VirtualUser } from '../../src/engine/virtual-user.ts';

function fakeUsers(iterationMs: number) {
  const lags: number[] = [];
  let iterations = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const createUser = (index: number): VirtualUser => ({
    index,
    onStart: async () => {},
    onStop: async () => {},
    waitMs: () => 0,
    requestCount: () => iterations,
    async iterate(lag) {
      iterations++;
      if (lag !== undefined) lags.push(lag);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, iterationMs));
      inFlight--;
    },
  });
  return {
    createUser,
    lags,
    iterations: () => iterations,
    maxInFlight: () => maxInFlight,
  };
}

describe('stages', () => {
  test('ramp linearly between targets and end after the last stage', () => {
    const stages = [
      { durationS: 10, target: 10 },
      { durationS: 10, target: 0 },
    ];
    assert.equal(stageTotalS(stages), 20);
    assert.equal(stageValue(stages, 0, 5), 5);
    assert.equal(stageValue(stages, 0, 15), 5);
    assert.equal(stageValue(stages, 0, 20), null);
  });

  test('users follow the stages to every target, whatever the spawn rate (k6 ramping-vus)', async () => {
    // 1s:10, 1s:30, 1s:0 with the default spawn rate of a 10-user run (2/s): it peaked at 23 of 30.
    const users = fakeUsers(20);
    let peak = 0;
    const executor = createClosedExecutor({
      users: 10,
      spawnRate: 2,
      iterations: null,
      stages: [
        { durationS: 1, target: 10 },
        { durationS: 1, target: 30 },
        { durationS: 1, target: 0 },
      ],
      createUser: users.createUser,
      onUsers: (n) => {
        peak = Math.max(peak, n);
      },
    });
    executor.start();
    await executor.done;
    assert.ok(peak >= 28, `peak ${peak} users, target 30`);
  });
});

describe('closed executor', () => {
  test('instant iterations are counted, but not those that found the request budget spent', async () => {
    let left = 30;
    let instantUsers = 0;
    const executor = createClosedExecutor({
      users: 6,
      spawnRate: 1000,
      iterations: 30,
      stages: null,
      requestsLeft: () => left,
      createUser: (index) => {
        let requests = 0;
        const instant = index === 0 && instantUsers++ === 0; // one user whose task does no I/O
        let instantRuns = 0;
        return {
          index,
          onStart: async () => {},
          onStop: async () => {},
          waitMs: () => 0,
          requestCount: () => requests,
          async iterate() {
            if (instant && instantRuns++ < 3) return; // settles at once, sends nothing
            // Like a task awaiting something before its request: another user may take the last unit.
            await new Promise((resolve) => setImmediate(resolve));
            if (left <= 0) return; // BudgetSpent: ends the task without a request
            left--;
            requests++;
            await new Promise((resolve) => setTimeout(resolve, 2));
          },
        };
      },
      onUsers: () => {},
    });
    executor.start();
    await executor.done;
    assert.equal(left, 0);
    assert.equal(executor.instantIterations(), 3);
  });

  test('a fixed iteration budget is shared by the users and runs exactly', async () => {
    const fake = fakeUsers(5);
    const users: number[] = [];
    const executor = createClosedExecutor({
      users: 4,
      spawnRate: 1000,
      iterations: 25,
      stages: null,
      createUser: fake.createUser,
      onUsers: (n) => users.push(n),
    });
    executor.start();
    await executor.done;
    assert.equal(fake.iterations(), 25);
    assert.equal(executor.iterationsStarted(), 25);
    assert.ok(fake.maxInFlight() <= 4, `at most 4 concurrent, saw ${fake.maxInFlight()}`);
    assert.ok(Math.max(...users) <= 4);
  });

  test('the running users always hold positions 0…n−1: the newest retire first, new ones fill in', async () => {
    /** Position of each user still running (retired users leave at their onStop). */
    const running = new Map<number, number>();
    const positions = () => [...running.values()].sort((a, b) => a - b);
    const executor = createClosedExecutor({
      users: 5,
      spawnRate: 1000,
      iterations: null,
      stages: null,
      createUser: (index, position) => {
        running.set(index, position);
        return {
          index,
          onStart: async () => {},
          onStop: async () => {
            running.delete(index);
          },
          waitMs: () => 5,
          requestCount: () => 0,
          iterate: () => new Promise((resolve) => setTimeout(resolve, 5)),
        };
      },
      onUsers: () => {},
    });
    const until = async (n: number) => {
      for (let i = 0; i < 200 && positions().join() !== [...Array(n).keys()].join(); i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(positions(), [...Array(n).keys()]);
    };
    executor.start();
    await until(5);
    executor.setUsers(2);
    await until(2);
    executor.setUsers(4);
    await until(4);
    executor.stop();
    await executor.done;
  });

  test('stop ends the run after the running iterations', async () => {
    const fake = fakeUsers(20);
    const executor = createClosedExecutor({
      users: 3,
      spawnRate: 1000,
      iterations: null,
      stages: null,
      createUser: fake.createUser,
      onUsers: () => {},
    });
    executor.start();
    await new Promise((resolve) => setTimeout(resolve, 150));
    executor.stop();
    const before = fake.iterations();
    await executor.done;
    assert.ok(before > 3, `iterations ran before the stop (${before})`);
    assert.ok(fake.iterations() - before <= 3, 'no new iterations after stop beyond those already due');
  });
});

describe('open executor', () => {
  test('arrivals keep coming at the rate and beyond max-in-flight are dropped and counted', async () => {
    const fake = fakeUsers(400);
    const executor = createOpenExecutor({
      rate: 100,
      stages: null,
      iterations: null,
      maxInFlight: 5,
      createUser: fake.createUser,
      onUsers: () => {},
    });
    executor.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    executor.stop();
    await executor.done;
    assert.equal(fake.maxInFlight(), 5);
    // ~30 arrivals in 300 ms at 100/s; 5 ran, the rest were dropped rather than queued.
    assert.ok(executor.dropped() >= 15, `dropped ${executor.dropped()}`);
    assert.ok(fake.lags.every((lag) => lag >= 0));
  });

  test('an iteration budget ends the open run', async () => {
    const fake = fakeUsers(1);
    const executor = createOpenExecutor({
      rate: 200,
      stages: null,
      iterations: 10,
      maxInFlight: 100,
      createUser: fake.createUser,
      onUsers: () => {},
    });
    executor.start();
    await executor.done;
    assert.equal(fake.iterations(), 10);
    assert.equal(executor.dropped(), 0);
  });
});

describe('error classification', () => {
  test('statuses and transport errors map to taxonomy names', () => {
    assert.equal(classifyStatus(429), 'rate_limited');
    assert.equal(classifyStatus(401), 'http_4xx');
    assert.equal(classifyStatus(503), 'http_5xx');
    assert.equal(classifyStatus(302), 'invalid_response');
    assert.equal(classifyStatus(200), undefined);
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    assert.equal(classifyTransportError(refused, false), 'connection_error');
    assert.equal(classifyTransportError(refused, true), 'early_termination');
    const timeout = Object.assign(new Error('Body Timeout Error'), { code: 'UND_ERR_BODY_TIMEOUT' });
    assert.equal(classifyTransportError(timeout, true), 'timeout');
  });
});
