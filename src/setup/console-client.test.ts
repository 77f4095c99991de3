import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { getGlobalDispatcher } from 'undici';
import { createConsoleClient } from './console-client.ts';

/** A console that logs in one way and records what the next call carried. */
async function fakeConsole(login: (res: ServerResponse) => void) {
  const seen: IncomingMessage['headers'][] = [];
  const server = createServer((req, res) => {
    if (req.url === '/console/api/login') return login(res);
    seen.push(req.headers);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"result":"success"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('older Dify: tokens in the login body are sent back as Bearer', async () => {
  const dify = await fakeConsole((res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"result":"success","data":{"access_token":"tok-1","refresh_token":"r"}}');
  });
  try {
    const client = createConsoleClient(dify.url, getGlobalDispatcher());
    assert.equal(await client.login('a@b.c', 'pw'), 'token');
    await client.call('POST', '/apps/imports', {});
    assert.equal(dify.seen[0]?.authorization, 'Bearer tok-1');
    assert.equal(dify.seen[0]?.['x-csrf-token'], undefined);
  } finally {
    await dify.close();
  }
});

test('current Dify on https: __Host- cookies come back, with X-CSRF-Token on non-GET calls only', async () => {
  const dify = await fakeConsole((res) => {
    res.setHeader('set-cookie', [
      '__Host-access_token=acc; HttpOnly; Secure; Path=/',
      '__Host-refresh_token=ref; HttpOnly; Secure; Path=/',
      '__Host-csrf_token=csrf-9; Secure; Path=/',
    ]);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"result":"success"}');
  });
  try {
    const client = createConsoleClient(dify.url, getGlobalDispatcher());
    assert.equal(await client.login('a@b.c', 'pw'), 'cookie');
    await client.call('GET', '/apps');
    await client.call('POST', '/apps/imports', {});
    const [get, post] = dify.seen;
    assert.match(String(get?.cookie), /__Host-access_token=acc/);
    assert.equal(get?.['x-csrf-token'], undefined);
    assert.equal(post?.['x-csrf-token'], 'csrf-9');
    assert.match(String(post?.cookie), /__Host-csrf_token=csrf-9/);
  } finally {
    await dify.close();
  }
});

test('a 200 login whose result is not success is a failure', async () => {
  const dify = await fakeConsole((res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"result":"fail","data":"workspace not found"}');
  });
  try {
    const outcome = await createConsoleClient(dify.url, getGlobalDispatcher()).login('a@b.c', 'pw');
    assert.equal(typeof outcome, 'object');
  } finally {
    await dify.close();
  }
});

test('a cookie session without its CSRF cookie (a proxy kept one Set-Cookie) fails at login, naming why', async () => {
  const dify = await fakeConsole((res) => {
    res.setHeader('set-cookie', ['access_token=acc; HttpOnly; Path=/']);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"result":"success"}');
  });
  try {
    await assert.rejects(
      createConsoleClient(dify.url, getGlobalDispatcher()).login('a@b.c', 'pw'),
      /answered without its csrf_token cookie: .*--no-proxy, NO_PROXY or over https/,
    );
  } finally {
    await dify.close();
  }
});
