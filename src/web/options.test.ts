import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../errors.ts';
import { resolveWebOptions } from './options.ts';

describe('web options', () => {
  test('defaults to 127.0.0.1:8089 without auth', () => {
    assert.deepEqual(resolveWebOptions({}, {}), {
      host: '127.0.0.1',
      port: 8089,
      auth: null,
      token: null,
      allowedHosts: [],
    });
  });

  test('a non-loopback bind without auth is refused with the reason', () => {
    assert.throws(
      () => resolveWebOptions({ webHost: '0.0.0.0' }, {}),
      (e: unknown) =>
        e instanceof UsageError && /--web-host 0\.0\.0\.0.*--web-auth.*--web-token/.test(e.message),
    );
  });

  test('a non-loopback bind with basic auth or a token (flag or env) is allowed', () => {
    assert.deepEqual(resolveWebOptions({ webHost: '0.0.0.0', webAuth: 'admin:pa:ss' }, {}).auth, {
      user: 'admin',
      pass: 'pa:ss',
    });
    assert.equal(resolveWebOptions({ webHost: '::' }, { STREAMLOAD_WEB_TOKEN: 't0k' }).token, 't0k');
  });

  test('bad port and bad credentials name the option', () => {
    assert.throws(() => resolveWebOptions({ webPort: '70000' }, {}), /--web-port/);
    assert.throws(() => resolveWebOptions({ webPort: 'abc' }, {}), /--web-port/);
    assert.throws(() => resolveWebOptions({ webAuth: 'nopass' }, {}), /--web-auth: expected user:pass/);
    assert.throws(() => resolveWebOptions({ webAuth: ':x' }, {}), /--web-auth/);
  });
});
