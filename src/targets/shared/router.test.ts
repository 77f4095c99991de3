import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { listen, sendJson } from '../../util/http-server.ts';
import { createRouter, type Refusals } from './router.ts';

const refusals: Refusals = {
  bodyLimit: 64,
  notFound: (_req, res, path) => sendJson(res, 404, { refused: 'not_found', path }),
  methodNotAllowed: (_req, res, _path, allowed) =>
    sendJson(res, 405, { refused: 'method', allowed }, { allow: allowed.join(', ') }),
  bodyTooLarge: (res) => sendJson(res, 413, { refused: 'too_large' }),
  badJson: (res) => sendJson(res, 400, { refused: 'bad_json' }),
};

describe('router', () => {
  let url = '';
  let close: () => void = () => {};
  before(async () => {
    const sub = createRouter({
      ...refusals,
      guard: (req: IncomingMessage, res: ServerResponse) => {
        if (req.headers['x-key'] === 'k') return { user: 'u' };
        sendJson(res, 401, { refused: 'guard' });
        return undefined;
      },
    })
      .route('GET', '/api/open', ({ res }) => sendJson(res, 200, { open: true }), { open: true })
      .route('GET', '/api/who', ({ res, context }) => sendJson(res, 200, context));
    const router = createRouter(refusals)
      .route('GET', '/items/:id', ({ res, params }) => sendJson(res, 200, { got: params.id }))
      .route('POST', '/items/:id', ({ res, params, body }) => sendJson(res, 201, { id: params.id, body }), {
        json: true,
      })
      .route('POST', '/actions/:name', ({ res, body }) => sendJson(res, 200, body), { json: 'or-empty' })
      .route('DELETE', '/items/:id/tags/:tag', ({ res, params }) => sendJson(res, 200, params))
      .route('*', '/files/*', ({ req, res, params }) =>
        sendJson(res, 200, { method: req.method, rest: params['*'] }),
      )
      .route('*', '/api/*', ({ req, res }) => sub.handle(req, res));
    const server = createServer((req, res) => void router.handle(req, res));
    const port = await listen(server, 0, '127.0.0.1');
    url = `http://127.0.0.1:${port}`;
    close = () => server.close();
  });
  after(() => close());

  async function call(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    return { status: res.status, allow: res.headers.get('allow'), json: await res.json() };
  }

  test('routes by method and path, with decoded params and the query ignored', async () => {
    assert.deepEqual(await call('GET', '/items/a%20b?x=1'), {
      status: 200,
      allow: null,
      json: { got: 'a b' },
    });
    const tagged = await call('DELETE', '/items/1/tags/red');
    assert.deepEqual(tagged.json, { id: '1', tag: 'red' });
  });

  test('404 when no pattern matches, 405 with Allow when only the method is wrong', async () => {
    assert.equal((await call('GET', '/items')).status, 404);
    assert.equal((await call('GET', '/items/')).status, 404, 'an empty param names nothing');
    assert.equal((await call('GET', '/items/1/2')).status, 404);
    assert.equal((await call('GET', '/items/%E0%A4%A')).status, 404, 'malformed percent-encoding');
    const wrong = await call('PUT', '/items/1');
    assert.equal(wrong.status, 405);
    assert.deepEqual(wrong.json.allowed, ['GET', 'POST']);
    assert.equal(wrong.allow, 'GET, POST');
  });

  test('a JSON route gets the parsed object; 400 when not an object, 413 over the limit', async () => {
    const ok = await call('POST', '/items/7', '{"a":1}');
    assert.deepEqual(ok, { status: 201, allow: null, json: { id: '7', body: { a: 1 } } });
    for (const bad of ['', 'nope', '[1]', 'null', '"s"'])
      assert.equal((await call('POST', '/items/7', bad)).json.refused, 'bad_json', bad);
    assert.equal((await call('POST', '/items/7', `{"a":"${'x'.repeat(100)}"}`)).status, 413);
    assert.deepEqual((await call('POST', '/actions/publish', '')).json, {}, "'or-empty': no body is {}");
    assert.deepEqual((await call('POST', '/actions/publish', '{"b":2}')).json, { b: 2 });
    assert.equal((await call('POST', '/actions/publish', '[]')).json.refused, 'bad_json');
  });

  test('a trailing * takes any method and the rest of the path', async () => {
    assert.deepEqual((await call('PATCH', '/files/a/b')).json, { method: 'PATCH', rest: '/a/b' });
    assert.equal((await call('GET', '/files')).status, 404);
  });

  test('the guard runs before routing (even a 404), hands its context, and skips open routes', async () => {
    assert.equal((await call('GET', '/api/nowhere')).json.refused, 'guard');
    assert.equal((await call('GET', '/api/nowhere', undefined, { 'x-key': 'k' })).status, 404);
    assert.deepEqual((await call('GET', '/api/who', undefined, { 'x-key': 'k' })).json, { user: 'u' });
    assert.equal((await call('GET', '/api/who')).status, 401);
    assert.deepEqual((await call('GET', '/api/open')).json, { open: true });
  });
});
