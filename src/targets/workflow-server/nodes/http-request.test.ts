import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { listen } from '../../../util/http-server.ts';
import { VariablePool } from '../variable-pool.ts';
import { DEFAULT_HTTP_POLICY, HTTP_REQUEST, type HttpConfig, mayRequest } from './http-request.ts';
import type { NodeContext, NodeServices } from './types.ts';

test('only loopback and the hosts the operator allows may be really requested', () => {
  const policy = { ...DEFAULT_HTTP_POLICY, allow: ['api.internal', 'svc.local:8080'] };
  for (const url of [
    'http://127.0.0.1/',
    'http://127.9.9.9:81/x',
    'http://localhost:5/',
    'http://[::1]/',
    'https://api.internal/',
    'http://svc.local:8080/',
  ])
    assert.equal(mayRequest(new URL(url), policy), true, url);
  for (const url of [
    'http://example.com/',
    'http://127.0.0.1.evil.example/',
    'http://localhost.evil.example/',
    'http://[::ffff:127.0.0.1]/',
    'http://svc.local:8081/',
    'http://api.internal.evil/',
  ])
    assert.equal(mayRequest(new URL(url), policy), false, url);
});

function context(
  url: string,
  services: Partial<NodeServices> = {},
): { config: HttpConfig; ctx: NodeContext } {
  const pool = new VariablePool();
  pool.setNode('s', { url });
  const config = HTTP_REQUEST.parse(
    { method: 'get', url: '{{#s.url#}}', headers: '', params: '' },
    {
      fail: (_p, reason) => {
        throw new Error(reason);
      },
      warn: () => {},
      options: { python: false },
    },
  );
  const ctx = {
    nodeId: 'h',
    executionId: 'e',
    title: 'HTTP',
    pool,
    services: { http: DEFAULT_HTTP_POLICY, ...services } as NodeServices,
    signal: new AbortController().signal,
    onText: () => {},
    drained: () => undefined,
    emit: () => {},
    runBody: async () => {},
    round: undefined,
  } as NodeContext;
  return { config, ctx };
}

test('another host gets the mock answer without any connection; loopback is requested, a redirect is not followed', async () => {
  const mocked = context('http://streamload-test.invalid/secret');
  const answer = await HTTP_REQUEST.run(mocked.config, mocked.ctx);
  assert.equal(answer.outputs.status_code, 200);
  assert.equal(answer.outputs.body, DEFAULT_HTTP_POLICY.mockBody);

  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(302, { location: 'http://example.com/' }).end('moved');
  });
  const base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  try {
    const real = context(`${base}/go`);
    const out = await HTTP_REQUEST.run(real.config, real.ctx);
    assert.equal(out.outputs.status_code, 302);
    assert.equal(out.outputs.body, 'moved');
    assert.equal(hits, 1);
  } finally {
    server.close();
  }
});

test('an answer larger than the bound fails the node', async () => {
  const server = createServer((_req, res) => res.end(Buffer.alloc(64 * 1024, 1)));
  const base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
  try {
    const { config, ctx } = context(base, { http: { ...DEFAULT_HTTP_POLICY, maxResponseBytes: 1024 } });
    await assert.rejects(Promise.resolve(HTTP_REQUEST.run(config, ctx)), /larger than 1024 bytes/);
  } finally {
    server.close();
  }
});
