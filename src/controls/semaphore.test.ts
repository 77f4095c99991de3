import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSemaphore } from './semaphore.ts';
import { LimiterClosedError } from './token-bucket.ts';

test('at most `limit` holders; waiters served in order; a double release frees one slot', async () => {
  const semaphore = createSemaphore(2);
  const a = await semaphore.acquire();
  const b = await semaphore.acquire();
  const order: string[] = [];
  const c = semaphore.acquire().then((release) => {
    order.push('c');
    return release;
  });
  const d = semaphore.acquire().then((release) => {
    order.push('d');
    return release;
  });
  assert.equal(semaphore.held, 2);
  assert.equal(semaphore.waiting, 2);
  a();
  a();
  const releaseC = await c;
  assert.deepEqual(order, ['c']);
  assert.equal(semaphore.held, 2);
  b();
  await d;
  assert.deepEqual(order, ['c', 'd']);
  releaseC();
  assert.equal(semaphore.held, 1);
});

test('close rejects waiters, holders keep their slots', async () => {
  const semaphore = createSemaphore(1);
  const release = await semaphore.acquire();
  const waiter = semaphore.acquire();
  semaphore.close();
  await assert.rejects(waiter, LimiterClosedError);
  release();
  assert.equal(semaphore.held, 0);
});
