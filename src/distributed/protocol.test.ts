import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLink } from './link.ts';
import { createMemoryPair } from './memory-link.ts';
import { helloMismatch, PROTOCOL_VERSION, parseMessage } from './protocol.ts';
import { createSyntheticShare } from './test-share.ts';
import { runWorker } from './worker.ts';

test('parseMessage accepts known messages and refuses the rest', () => {
  assert.deepEqual(parseMessage('{"type":"stop","mode":"abort"}'), { type: 'stop', mode: 'abort' });
  assert.deepEqual(parseMessage({ type: 'heartbeat', sentAtMs: 1 }), { type: 'heartbeat', sentAtMs: 1 });
  assert.throws(() => parseMessage('{"type":"launch"}'), /unknown message type "launch"/);
  assert.throws(() => parseMessage('{"type":"assign","config":{}}'), /assign message without share/);
  assert.throws(() => parseMessage('[1]'), /without a type/);
  assert.throws(() => parseMessage('{"type":"toString"}'), /unknown message type/);
  assert.throws(() => parseMessage('not json'), SyntaxError);
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
