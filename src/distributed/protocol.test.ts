import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLink } from './link.ts';
import { helloMismatch, PROTOCOL_VERSION, parseMessage } from './protocol.ts';
import { createMemoryPair } from './test-link.ts';
import { createSyntheticShare } from './test-share.ts';
import { runWorker } from './worker.ts';

test('parseMessage accepts known messages and refuses the rest', () => {
  assert.deepEqual(parseMessage('{"type":"stop","mode":"abort"}'), { type: 'stop', mode: 'abort' });
  assert.deepEqual(parseMessage({ type: 'heartbeat', sentAtMs: 1 }), { type: 'heartbeat', sentAtMs: 1 });
  assert.throws(() => parseMessage('{"type":"launch"}'), /unknown message type "launch"/);
  assert.throws(
    () => parseMessage('{"type":"assign","config":{}}'),
    /assign message: share must be an object/,
  );
  assert.throws(() => parseMessage('[1]'), /without a type/);
  assert.throws(() => parseMessage('{"type":"toString"}'), /unknown message type/);
  assert.throws(() => parseMessage('not json'), /not JSON/);
});

test('parseMessage checks every field of a message, shares included', () => {
  const share = { index: 0, of: 2, users: 3, spawnRate: 1.5, rate: null, iterations: null };
  assert.equal(parseMessage({ type: 'assign', config: {}, share }).type, 'assign');
  const bye = { type: 'bye', reason: 'done', status: 'stopped', warnings: ['saturated'] };
  assert.deepEqual(parseMessage(bye), bye);
  const bad: [unknown, RegExp][] = [
    [{ type: 'assign', config: 'x', share }, /config must be an object/],
    [{ type: 'assign', config: {}, share: { ...share, users: -1 } }, /share\.users must be a whole number/],
    [{ type: 'assign', config: {}, share: { ...share, index: 2 } }, /share\.index must be below share\.of/],
    [
      { type: 'assign', config: {}, share: { ...share, rate: 'fast' } },
      /share\.rate must be null or a number/,
    ],
    [{ type: 'stop', mode: 'now' }, /mode must be graceful or abort/],
    [{ type: 'welcome', protocol: 2, version: 1, workerId: 'w' }, /version must be a string/],
    [{ type: 'hello', protocol: 2, version: 'v', host: 'h', pid: 1, token: 5 }, /token must be a string/],
    [{ type: 'bye', reason: 'tired' }, /reason must be done or error/],
    [{ type: 'bye', reason: 'done', status: 'paused' }, /status must be completed, stopped or aborted/],
    [{ type: 'bye', reason: 'done', warnings: ['ok', 3] }, /warnings must be a list of at most 1000 strings/],
    [{ type: 'bye', reason: 'done', warnings: 'one' }, /warnings must be a list/],
    [{ type: 'bye', reason: 'done', warnings: Array(1001).fill('w') }, /at most 1000/],
    [{ type: 'snapshot', snapshot: null }, /snapshot must be an object/],
    [{ type: 'snapshot', snapshot: { schema: 'streamload.snapshot/v1' } }, /snapshot\.startedAtMs must be/],
    [
      { type: 'hello', protocol: 2, version: 'v', host: 'h'.repeat(70_000), pid: 1 },
      /host must be a string of at most 65536/,
    ],
    [{ type: 'bye', reason: 'error', message: 'm'.repeat(70_000) }, /message must be a string of at most/],
  ];
  for (const [message, pattern] of bad) assert.throws(() => parseMessage(message), pattern);
});

test('helloMismatch names both versions', () => {
  const own = { protocol: PROTOCOL_VERSION, version: '1.0.0' };
  assert.equal(helloMismatch(own, own), null);
  assert.match(
    helloMismatch({ protocol: PROTOCOL_VERSION, version: '0.9.0' }, own) ?? '',
    /peer runs streamload 0\.9\.0.*this side runs 1\.0\.0/,
  );
  assert.match(helloMismatch({ protocol: 99, version: '1.0.0' }, own) ?? '', /protocol 99/);
});

test('a worker refuses a master of another version and exits 2', async () => {
  const [masterEnd, workerEnd] = createMemoryPair();
  const master = createLink(masterEnd, 'worker');
  master.onMessage((message) => {
    if (message.type === 'hello')
      master.send({ type: 'welcome', protocol: PROTOCOL_VERSION, version: '9.9.9', workerId: 'w1' });
  });
  const outcome = await runWorker(createLink(workerEnd, 'master'), createSyntheticShare({ runMs: 100 }));
  assert.equal(outcome.exitCode, 2);
  assert.match(outcome.message, /master refused: version mismatch: peer runs streamload 9\.9\.9/);
});

test('a silent peer is declared lost after the heartbeat timeout', async () => {
  const [a] = createMemoryPair();
  const link = createLink(a, 'peer', { heartbeatMs: 50, timeoutMs: 200 });
  const reason = await new Promise<string>((resolve) => link.onClose(resolve));
  assert.match(reason, /no message or heartbeat for 0\.[2-4] s/);
  assert.equal(link.closed, true);
});
