import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convert, flagOf } from '../config/option.ts';
import { optionsFromEnv, resolveTable } from '../config/resolve-options.ts';
import { UsageError } from '../errors.ts';
import { WEB_OPTIONS, type WebOptions, webOptionsOf } from './options.ts';

/** The web options from raw flag text and env, as the CLI resolves them (no config file here). */
function resolveWebOptions(
  flags: Readonly<Record<string, string>>,
  env: Readonly<Record<string, string>>,
): WebOptions {
  const given: Record<string, unknown> = optionsFromEnv(WEB_OPTIONS, env);
  for (const [name, raw] of Object.entries(flags))
    given[name] = convert(WEB_OPTIONS[name as keyof typeof WEB_OPTIONS], raw, flagOf(name));
  return webOptionsOf(resolveTable(WEB_OPTIONS, given));
}

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
    const token = '3f9a0c1d5e7b2a46';
    assert.equal(resolveWebOptions({ webHost: '::' }, { STREAMLOAD_WEB_TOKEN: token }).token, token);
  });

  test('a blank or short token is refused for a non-loopback bind (exit 2), naming the length', () => {
    for (const short of [' ', 'x', 't0k', '123456789012345']) {
      assert.throws(
        () => resolveWebOptions({ webHost: '0.0.0.0', webToken: short }, {}),
        (e: unknown) => e instanceof UsageError && /^--web-token: /.test(e.message),
        JSON.stringify(short),
      );
    }
    assert.throws(
      () => resolveWebOptions({ webHost: '::' }, { STREAMLOAD_WEB_TOKEN: 'x' }),
      /at least 16 characters/,
    );
    assert.throws(() => resolveWebOptions({ webToken: '   ' }, {}), /--web-token: blank/);
    assert.equal(
      resolveWebOptions({ webToken: 'tok3n' }, {}).token,
      'tok3n',
      'loopback: any non-blank token',
    );
  });

  test('bad port and bad credentials name the option', () => {
    assert.throws(() => resolveWebOptions({ webPort: '70000' }, {}), /--web-port/);
    assert.throws(() => resolveWebOptions({ webPort: 'abc' }, {}), /--web-port/);
    assert.throws(() => resolveWebOptions({ webAuth: 'nopass' }, {}), /--web-auth: expected user:pass/);
    assert.throws(() => resolveWebOptions({ webAuth: ':x' }, {}), /--web-auth/);
  });
});
