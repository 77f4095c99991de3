import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, redactHeader, redactSecrets, redactUrl } from './redact.ts';

test('redactUrl drops the userinfo of every URL in a text, keeps the rest', () => {
  assert.equal(redactUrl('http://user:pw@127.0.0.1:5001/v1'), 'http://***@127.0.0.1:5001/v1');
  assert.equal(redactUrl('https://tok@h/x and ws://a:b@c:1/'), 'https://***@h/x and ws://***@c:1/');
  assert.equal(redactUrl('http://127.0.0.1:5001/a@b'), 'http://127.0.0.1:5001/a@b');
  assert.equal(redactUrl('no url here'), 'no url here');
});

test('redactHeader hides the values of credential headers only', () => {
  assert.equal(redactHeader('Authorization', 'Bearer abc'), REDACTED);
  assert.equal(redactHeader('proxy-authorization', 'Basic x'), REDACTED);
  assert.equal(redactHeader('X-Api-Key', 'k'), REDACTED);
  assert.equal(redactHeader('Cookie', 'sid=1'), REDACTED);
  assert.equal(redactHeader('X-Auth-Token', 't'), REDACTED);
  assert.equal(redactHeader('Accept', 'text/event-stream'), 'text/event-stream');
});

test('redactSecrets walks a config: keys, header lists and maps, URLs in any string', () => {
  const config = {
    target: 'http://u:p@h:1',
    apiKey: 'sk-1',
    masterToken: 't',
    webAuth: 'admin:pw',
    path: null,
    users: 10,
    headers: ['Authorization: Bearer zzz', 'X-Trace: 1'],
    header: { Cookie: 'a=b', Accept: '*/*' },
    proxy: 'http://pu:pp@proxy:3128',
    nested: [{ password: 'x', note: 'see https://k@h/' }],
    emptyKey: { apiKey: null },
  };
  const out = redactSecrets(config) as Record<string, unknown>;
  const text = JSON.stringify(out);
  for (const secret of ['u:p', 'sk-1', '"t"', 'admin:pw', 'zzz', 'a=b', 'pu:pp', '"x"', 'k@']) {
    assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  }
  assert.equal(out.target, 'http://***@h:1');
  assert.equal(out.apiKey, REDACTED);
  assert.deepEqual(out.headers, [`Authorization: ${REDACTED}`, 'X-Trace: 1']);
  assert.deepEqual(out.header, { Cookie: REDACTED, Accept: '*/*' });
  assert.equal(out.users, 10);
  assert.equal(out.path, null);
  assert.deepEqual(out.emptyKey, { apiKey: null });
  // The input is not changed.
  assert.equal(config.apiKey, 'sk-1');
});
