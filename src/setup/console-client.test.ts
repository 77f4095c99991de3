import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { getGlobalDispatcher } from 'undici';
import { createConsoleClient } from './console-client.ts';

/** A console that logs in one way and records what the next call carried. */
async function fakeConsole(login: (res: ServerResponse, password: string) => void) {
  const seen: IncomingMessage['headers'][] = [];
  const server = createServer(async (req, res) => {
    if (req.url === '/console/api/login') {
      let body = '';
      for await (const chunk of req) body += chunk;
      return login(res, JSON.parse(body).password);
    }
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
    assert.deepEqual(await client.login('a@b.c', 'pw'), { ok: true, style: 'token', password: 'base64' });
    await client.call('POST', '/apps/imports', {});
    assert.equal(dify.seen[0]?.authorization, 'Bearer tok-1');
    assert.equal(dify.seen[0]?.['x-csrf-token'], undefined);
  } finally {
    await dify.close();
  }
});

test('current Dify on https: __Host- cookies come back, with X-CSRF-Token on every call, GET included', async () => {
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
    assert.deepEqual(await client.login('a@b.c', 'pw'), { ok: true, style: 'cookie', password: 'base64' });
    await client.call('GET', '/apps');
    await client.call('POST', '/apps/imports', {});
    const [get, post] = dify.seen;
    assert.match(String(get?.cookie), /__Host-access_token=acc/);
    // Dify 1.13 checks CSRF on GET too: without it, listing the API keys is a 401.
    assert.equal(get?.['x-csrf-token'], 'csrf-9');
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
    assert.equal(outcome.ok, false);
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

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const refuse = (res: ServerResponse, message: string) =>
  json(res, 401, { code: 'authentication_failed', message, status: 401 });

test('Dify 1.13: the password goes base64-encoded, in one login', async () => {
  const tries: string[] = [];
  const dify = await fakeConsole((res, password) => {
    tries.push(password);
    if (password !== Buffer.from('pä ss', 'utf8').toString('base64'))
      return refuse(res, 'Invalid encrypted data');
    res.setHeader('set-cookie', ['access_token=a; Path=/', 'csrf_token=c; Path=/']);
    json(res, 200, { result: 'success' });
  });
  try {
    const outcome = await createConsoleClient(dify.url, getGlobalDispatcher()).login('a@b.c', 'pä ss');
    assert.deepEqual(outcome, { ok: true, style: 'cookie', password: 'base64' });
    assert.deepEqual(tries, ['cMOkIHNz']);
  } finally {
    await dify.close();
  }
});

test('older Dify: a refused base64 password is retried plain, once', async () => {
  const tries: string[] = [];
  const dify = await fakeConsole((res, password) => {
    tries.push(password);
    if (password !== 'pw') return refuse(res, 'Invalid email or password.');
    json(res, 200, { result: 'success', data: { access_token: 't', refresh_token: 'r' } });
  });
  try {
    const client = createConsoleClient(dify.url, getGlobalDispatcher());
    assert.deepEqual(await client.login('a@b.c', 'pw'), { ok: true, style: 'token', password: 'plain' });
    assert.deepEqual(tries, ['cHc=', 'pw']);
  } finally {
    await dify.close();
  }
});

test('a wrong password on Dify 1.13: the plain retry gets exactly "Invalid encrypted data", so the base64 answer decides', async () => {
  const dify = await fakeConsole((res, password) =>
    refuse(res, password === 'wrong' ? 'Invalid encrypted data' : 'Invalid email or password.'),
  );
  try {
    const outcome = await createConsoleClient(dify.url, getGlobalDispatcher()).login('a@b.c', 'wrong');
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok && !outcome.both && outcome.answer.body?.message === 'Invalid email or password.');
  } finally {
    await dify.close();
  }
});

// Hostile console (issue 29 M10): `%zz` is not percent-encoding; decodeURIComponent threw a URIError
// out of setup. RFC 6265 gives cookie values no encoding: the value is kept as sent.
test('a Set-Cookie with a malformed % escape neither crashes nor loses the session', async () => {
  const dify = await fakeConsole((res) => {
    res.setHeader('set-cookie', ['access_token=a%zz; Path=/', 'csrf_token=c%E0%A4; Path=/']);
    json(res, 200, { result: 'success' });
  });
  try {
    const client = createConsoleClient(dify.url, getGlobalDispatcher());
    assert.deepEqual(await client.login('a@b.c', 'pw'), { ok: true, style: 'cookie', password: 'base64' });
    await client.call('GET', '/apps');
    assert.equal(dify.seen[0]?.['x-csrf-token'], 'c%E0%A4');
  } finally {
    await dify.close();
  }
});

// Hostile console (issue 29 M11): headers at once, then one byte every 100 ms. undici's body
// timeout restarts at every byte, so a dribble held setup for as long as the console liked.
test('a console that dribbles its answer is cut at the per-call deadline, named in the message', async () => {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write(' '), 100);
    timers.add(timer);
    res.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const client = createConsoleClient(url, getGlobalDispatcher(), { deadlineMs: 1_000 });
    const started = performance.now();
    await assert.rejects(
      client.call('GET', '/setup'),
      /^Error: GET http:\/\/127\.0\.0\.1:\d+\/console\/api\/setup got no complete answer within 1 s \(the per-call deadline\)/,
    );
    assert.ok(performance.now() - started < 10_000, 'cut near the deadline, not at the body timeout');
  } finally {
    for (const timer of timers) clearInterval(timer);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('an answer without end is bounded in size too', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const pump = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await assert.rejects(
      createConsoleClient(url, getGlobalDispatcher()).call('GET', '/setup'),
      /answered more than 4 MiB: not a Dify console/,
    );
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
