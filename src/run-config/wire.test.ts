import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveRunConfig } from './resolve.ts';
import { configFromWire } from './wire.ts';

const resolve = (flags: Record<string, unknown>) => resolveRunConfig({ flags, env: {}, cwd: process.cwd() });
/** What a worker receives: the config through JSON (WebSocket text, IPC serialization alike). */
const sent = (value: unknown): Record<string, unknown> => JSON.parse(JSON.stringify(value));

test('a resolved config crosses the wire and is read back whole', () => {
  for (const flags of [
    {},
    { iterations: 50, users: 5 },
    {
      target: 'http://127.0.0.1:9',
      rate: 20,
      arrival: 'poisson',
      retry: 2,
      circuitBreaker: { failures: 3, windowMs: 1000, openMs: 1000, halfOpen: 1 },
    },
    { stages: [{ durationS: 5, target: 3 }], header: [['X-A', '1']], proxy: 'http://127.0.0.1:3128' },
  ]) {
    const config = resolve(flags);
    assert.deepEqual(configFromWire(sent(config)), sent(config), JSON.stringify(flags));
  }
});

test('a damaged, partial or foreign config is refused naming the key', () => {
  const config = sent(resolve({}));
  assert.throws(() => configFromWire({ ...config, users: 0 }), /at config\.users: expected an integer ≥ 1/);
  assert.throws(() => configFromWire({ ...config, runTime: '30s' }), /at config\.runTime/);
  assert.throws(
    () => configFromWire({ ...config, tls: { ...(config.tls as object), insecure: 'yes' } }),
    /config\.tls\.insecure/,
  );
  const { wait: _, ...partial } = config;
  assert.throws(() => configFromWire(partial), /at config\.wait: missing/);
  assert.throws(() => configFromWire({ ...config, runTimeMs: 30_000 }), /unknown key "runTimeMs"/);
  assert.throws(() => configFromWire([config]), /config must be an object/);
});
