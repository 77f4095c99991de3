// `serve llm` (the real CLI process) answers an oversized request with a 400 and stays up.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { MAIN } from '../cli/helpers.ts';

const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

describe('serve llm bounds what one request may ask for', () => {
  let child: ChildProcess;
  let url = '';
  before(async () => {
    child = spawn(
      process.execPath,
      [MAIN, 'serve', 'llm', '--port', '0', '--first-token-ms', '1', '--inter-token-ms', '0'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    while (url === '') {
      const [chunk] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
      out += String(chunk);
      url = /listening on (\S+)/.exec(out)?.[1] ?? '';
    }
  });
  after(() => child.kill('SIGTERM'));

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, text: await res.text() };
  };

  test('hostile sizes are a 400 naming the parameter; the server keeps serving', {
    timeout: 60_000,
  }, async () => {
    const cases: [string, unknown, Record<string, string>, RegExp][] = [
      [
        '/v1/chat/completions',
        { ...CHAT, stream: true },
        { 'x-mock-tokens': '1000000000' },
        /x-mock-tokens: at most 100000/,
      ],
      [
        '/v1/chat/completions',
        CHAT,
        { 'x-mock-inter-token-ms': '99999999999' },
        /x-mock-inter-token-ms: at most/,
      ],
      ['/v1/completions', { model: 'm', prompt: 'p', max_tokens: 1e9 }, {}, /max_tokens: at most 100000/],
      [
        '/v1/embeddings',
        { model: 'text-embedding-3-small', input: 'x', dimensions: 1e9 },
        {},
        /dimensions: an integer 1-3072/,
      ],
      [
        '/v1/embeddings',
        { model: 'text-embedding-3-small', input: Array(5000).fill('x') },
        {},
        /input: at most 2048 items/,
      ],
      [
        '/v1/embeddings',
        { model: 'text-embedding-3-large', input: Array(2000).fill('x'), dimensions: 3072 },
        {},
        /input × dimensions/,
      ],
      [
        '/v1/chat/completions',
        { ...CHAT, n: 128 },
        { 'x-mock-tokens': '100000' },
        /n × tokens: at most 100000/,
      ],
      ['/v1/chat/completions', { ...CHAT, n: 1e6 }, {}, /Expected a value <= 128/],
      [
        '/v1/messages',
        { model: 'claude', max_tokens: 1e9, messages: CHAT.messages },
        { 'anthropic-version': '2023-06-01' },
        /max_tokens: at most 100000/,
      ],
      ['/v1/responses', { model: 'm', input: 'x', max_output_tokens: 1e9 }, {}, /max_output_tokens/],
    ];
    for (const [path, body, headers, message] of cases) {
      const r = await post(path, body, headers);
      assert.equal(r.status, 400, `${path} ${JSON.stringify(headers)}: ${r.text.slice(0, 200)}`);
      assert.match(JSON.parse(r.text).error.message, message);
    }
    // A hostile schema (a billion items of billion-character strings, self-reference) is answered
    // at once with a bounded value, by every API that generates from a schema.
    const hostile = { type: 'array', minItems: 1e9, items: { type: 'string', minLength: 1e9 } };
    const tool = { type: 'object', properties: { a: hostile, self: { $ref: '#' } }, required: ['a', 'self'] };
    const started = performance.now();
    for (const [path, body, headers] of [
      [
        '/v1/chat/completions',
        { ...CHAT, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: tool } } },
        {},
      ],
      [
        '/v1/responses',
        {
          model: 'm',
          input: 'x',
          tools: [{ type: 'function', name: 'f', parameters: tool }],
          tool_choice: 'required',
        },
        {},
      ],
      [
        '/v1/messages',
        {
          model: 'c',
          max_tokens: 100000,
          messages: CHAT.messages,
          tools: [{ name: 'f', input_schema: tool }],
          tool_choice: { type: 'any' },
        },
        { 'anthropic-version': '2023-06-01' },
      ],
    ] as const) {
      const r = await post(path, body, headers);
      assert.equal(r.status, 200, `${path}: ${r.text.slice(0, 200)}`);
      assert.ok(r.text.length < 2_000_000);
    }
    assert.ok(performance.now() - started < 20_000);
    const ok = await post('/v1/chat/completions', CHAT, { 'x-mock-tokens': '3' });
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.text).usage.completion_tokens, 3);
    assert.equal(child.exitCode, null, 'serve llm is still running');
  });
});
