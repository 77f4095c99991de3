import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { createSseParser } from '../../src/sse/parser.ts';
import type { SseEvent } from '../../src/sse/types.ts';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';

const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

describe('mock LLM over HTTP', () => {
  let llm: MockLlm;
  before(async () => {
    llm = await startMockLlm({
      port: 0,
      firstTokenMs: 5,
      interTokenMs: 1,
      tokens: [4, 4],
      apiKey: 'sk-test',
    });
  });
  after(() => llm.close());

  async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
    const res = await request(`${llm.url}${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
  }

  function events(text: string): SseEvent[] {
    const out: SseEvent[] = [];
    createSseParser({ onEvent: (e) => out.push(e) }).feed(Buffer.from(text));
    return out;
  }

  test('a stream: role chunk, one chunk per token, stop, usage, [DONE]', async () => {
    const res = await post('/v1/chat/completions', {
      ...CHAT,
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/event-stream/);
    const data = events(res.text).map((e) => e.data);
    assert.equal(data.length, 1 + 4 + 1 + 1 + 1);
    assert.equal(data.at(-1), '[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '', refusal: null });
    assert.equal(chunks[5].choices[0].finish_reason, 'stop');
    assert.equal(chunks[6].usage.completion_tokens, 4);
    assert.deepEqual(chunks[6].choices, []);
  });

  test('blocking completion carries usage', async () => {
    const res = await post('/v1/chat/completions', CHAT, { 'x-mock-tokens': '3' });
    const body = JSON.parse(res.text);
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.usage.completion_tokens, 3);
  });

  test('errors have OpenAI shapes', async () => {
    const noKey = await request(`${llm.url}/v1/models`);
    assert.equal(noKey.statusCode, 401);
    assert.equal(((await noKey.body.json()) as { error: { code: string } }).error.code, 'invalid_api_key');
    assert.equal((await post('/v1/chat/completions', '{not json')).status, 400);
    // Any model name is served (real DSL files name whatever their author used).
    const other = await post('/v1/chat/completions', { ...CHAT, model: 'gpt-3.5-turbo' });
    assert.equal(other.status, 200);
    assert.equal(JSON.parse(other.text).model, 'gpt-3.5-turbo');
    assert.equal((await post('/v1/nothing', {})).status, 404);
    assert.equal((await post('/v1/chat/completions', 'x'.repeat(2 * 1024 * 1024))).status, 413);
  });

  test('faults: 500, 429 with Retry-After, in-stream error, reset', async () => {
    assert.equal(
      (await post('/v1/chat/completions', { ...CHAT, stream: true }, { 'x-mock-fault': 'http_500' })).status,
      500,
    );
    const limited = await post(
      '/v1/chat/completions',
      { ...CHAT, stream: true },
      { 'x-mock-fault': 'rate_limit' },
    );
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '1');
    const inStream = await post(
      '/v1/chat/completions',
      { ...CHAT, stream: true },
      { 'x-mock-fault': 'stream_error', 'x-mock-fault-after': '2' },
    );
    const last = events(inStream.text).at(-1);
    assert.ok(last !== undefined && 'error' in JSON.parse(last.data));
    await assert.rejects(
      post('/v1/chat/completions', { ...CHAT, stream: true }, { 'x-mock-fault': 'reset' }),
    );
    const stats = llm.stats();
    assert.equal(stats.faults.http_500, 1);
    assert.equal(stats.faults.rate_limit, 1);
    assert.equal(stats.faults.reset, 1);
  });

  test("every fault and delay knob applies to every endpoint, in its provider's error shape", async () => {
    const anthropic = { 'anthropic-version': '2023-06-01' };
    const calls: [string, Record<string, unknown>, Record<string, string>][] = [
      ['/v1/chat/completions', CHAT, {}],
      ['/v1/completions', { model: 'm', prompt: 'p' }, {}],
      ['/v1/embeddings', { model: 'text-embedding-3-small', input: 'x' }, {}],
      ['/v1/responses', { model: 'm', input: 'x' }, {}],
      ['/v1/messages', { model: 'c', max_tokens: 10, messages: CHAT.messages }, anthropic],
    ];
    for (const [path, body, headers] of calls) {
      const failed = await post(path, body, { ...headers, 'x-mock-fault': 'http_500' });
      assert.equal(failed.status, 500, path);
      const shape = JSON.parse(failed.text);
      if (path === '/v1/messages') assert.equal(shape.error.type, 'api_error');
      else assert.equal(shape.error.type, 'server_error', path);
      const limited = await post(path, body, { ...headers, 'x-mock-fault': 'rate_limit' });
      assert.deepEqual([limited.status, limited.headers['retry-after']], [429, '1'], path);
      await assert.rejects(post(path, body, { ...headers, 'x-mock-fault': 'reset' }), path);
      // The first-token delay holds back every answer, streamed or not.
      const started = performance.now();
      const slow = await post(path, body, { ...headers, 'x-mock-first-token-ms': '150' });
      assert.equal(slow.status, 200, `${path}: ${slow.text.slice(0, 200)}`);
      assert.ok(performance.now() - started >= 140, path);
    }
  });

  test('models, embeddings and completions', async () => {
    const models = await request(`${llm.url}/v1/models`, { headers: { authorization: 'Bearer sk-test' } });
    assert.ok(((await models.body.json()) as { data: unknown[] }).data.length > 0);
    const emb = JSON.parse(
      (await post('/v1/embeddings', { model: 'text-embedding-3-small', input: ['a', 'b'] })).text,
    );
    assert.equal(emb.data.length, 2);
    assert.equal(emb.data[0].embedding.length, 1536);
    const cmpl = JSON.parse(
      (await post('/v1/completions', { model: 'gpt-4o-mini', prompt: 'x', max_tokens: 2 })).text,
    );
    assert.equal(cmpl.usage.completion_tokens, 2);
  });
});

test('mock LLM: --models restricts the names it serves', async () => {
  const llm = await startMockLlm({
    port: 0,
    firstTokenMs: 0,
    interTokenMs: 0,
    tokens: [1, 1],
    models: ['only-me'],
  });
  try {
    const post = (model: string) =>
      request(`${llm.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...CHAT, model }),
      });
    const refused = await post('gpt-4o-mini');
    assert.equal(refused.statusCode, 404);
    assert.equal(((await refused.body.json()) as { error: { code: string } }).error.code, 'model_not_found');
    const served = await post('only-me');
    assert.equal(served.statusCode, 200);
    await served.body.text();
    const listed = (await (await request(`${llm.url}/v1/models`)).body.json()) as { data: { id: string }[] };
    assert.deepEqual(
      listed.data.map((m) => m.id),
      ['only-me'],
    );
  } finally {
    await llm.close();
  }
});

describe('mock LLM capacity model', () => {
  test('beyond capacity every delay stretches by (batch/capacity)²; beyond the queue, 429', async () => {
    const llm = await startMockLlm({
      port: 0,
      firstTokenMs: 200,
      interTokenMs: 1,
      tokens: [2, 2],
      capacity: 1,
      maxQueue: 1,
    });
    try {
      const stream = async () => {
        const began = performance.now();
        const res = await request(`${llm.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...CHAT, stream: true }),
        });
        const text = await res.body.text();
        return {
          status: res.statusCode,
          ms: performance.now() - began,
          text,
          retryAfter: res.headers['retry-after'],
        };
      };
      const alone = await stream();
      assert.equal(alone.status, 200);
      // Two at once: the second is admitted into a batch of 2 (capacity 1): first token ×4; a third is refused.
      const [a, b, c] = await Promise.all([stream(), stream(), stream()]);
      const statuses = [a, b, c].map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 200, 429]);
      const refused = [a, b, c].find((r) => r.status === 429)!;
      assert.equal(refused.retryAfter, '1');
      assert.match(refused.text, /overloaded/);
      const slowest = Math.max(...[a, b, c].filter((r) => r.status === 200).map((r) => r.ms));
      assert.ok(slowest >= 4 * 200 * 0.9, `slowed by the batch: ${slowest} ms`);
      assert.equal(llm.stats().overloaded, 1);
      assert.equal(llm.stats().batch, 0, 'every generation released');
    } finally {
      await llm.close();
    }
  });
});
