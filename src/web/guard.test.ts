import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { createHostGuard, isAuthorized } from './guard.ts';
import type { WebOptions } from './options.ts';

const post = (origin: string | undefined, extra: Record<string, string> = {}) =>
  ({ headers: { ...(origin === undefined ? {} : { origin }), ...extra } }) as unknown as IncomingMessage;

describe('host guard', () => {
  test('loopback names and the bind address at the listening port; nothing else', () => {
    const guard = createHostGuard({ host: '10.0.0.5', allowedHosts: [] }, 8089);
    for (const host of ['localhost:8089', '127.0.0.1:8089', '[::1]:8089', '10.0.0.5:8089', 'LOCALHOST:8089'])
      assert.equal(guard.hostAllowed(host), true, host);
    for (const host of [
      undefined,
      '',
      'localhost',
      'localhost:80',
      'evil.example:8089',
      '127.0.0.2:8089',
      'localhost:8089@x',
    ])
      assert.equal(guard.hostAllowed(host), false, String(host));
  });

  test('an IPv6 bind address is matched in brackets; port 80 may be left out', () => {
    const guard = createHostGuard({ host: '::1', allowedHosts: [] }, 80);
    assert.equal(guard.hostAllowed('[::1]'), true);
    assert.equal(guard.hostAllowed('localhost'), true);
  });

  test('--web-allowed-host names match at any port unless one is given, over http or https', () => {
    const guard = createHostGuard(
      { host: '127.0.0.1', allowedHosts: ['ui.example', 'lb.example:8443'] },
      8089,
    );
    assert.equal(guard.hostAllowed('ui.example'), true);
    assert.equal(guard.hostAllowed('ui.example:9999'), true);
    assert.equal(guard.hostAllowed('lb.example:8443'), true);
    assert.equal(guard.hostAllowed('lb.example'), false);
    assert.equal(guard.originAllowed(post('https://ui.example')), true);
    assert.equal(guard.originAllowed(post('https://lb.example:8443')), true);
  });

  test('Origin: allowed hosts only, never null or another scheme; no Origin passes (curl)', () => {
    const guard = createHostGuard({ host: '127.0.0.1', allowedHosts: [] }, 8089);
    assert.equal(guard.originAllowed(post(undefined)), true);
    assert.equal(guard.originAllowed(post('http://127.0.0.1:8089')), true);
    assert.equal(guard.originAllowed(post('http://localhost:8089')), true);
    for (const origin of [
      'null',
      'https://127.0.0.1:8089',
      'http://127.0.0.1:1',
      'http://rebind.example:8089',
      'file://',
    ])
      assert.equal(guard.originAllowed(post(origin)), false, origin);
    assert.equal(guard.originAllowed(post(undefined, { 'sec-fetch-site': 'cross-site' })), false);
  });
});

describe('isAuthorized', () => {
  const options = { auth: null, token: 'tok3n' } as unknown as WebOptions;
  const url = new URL('http://localhost:8089/api/view');
  const withHeader = (authorization: string) => post(undefined, { authorization });

  test('a Bearer token is read by the shared reader: scheme in any case, the token compared exactly', () => {
    for (const header of ['Bearer tok3n', 'bearer tok3n', 'BEARER   tok3n'])
      assert.equal(isAuthorized(withHeader(header), url, options), true, header);
    for (const header of ['Bearer tok3', 'Bearer tok3n2', 'Basic tok3n', 'tok3n', 'Bearer '])
      assert.equal(isAuthorized(withHeader(header), url, options), false, header);
    assert.equal(isAuthorized(post(undefined), url, options), false, 'no header');
  });
});
