/**
 * The official `@anthropic-ai/sdk` as a real client of `serve llm`'s Messages API on 127.0.0.1:
 * what the SDK hands back (its messages, its stream helper's final message, its typed errors).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { Ajv } from 'ajv';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';

const KEY = 'sk-ant-test';
const MODEL = 'claude-sonnet-4-5';
const hi = [{ role: 'user' as const, content: 'hi' }];
const SCHEMA = {
  type: 'object' as const,
  properties: { city: { type: 'string' }, days: { type: 'integer', minimum: 1, maximum: 3 } },
  required: ['city', 'days'],
};
const conforms = new Ajv({ strict: false }).compile(SCHEMA);
const tools = [{ name: 'get_weather', description: 'weather', input_schema: SCHEMA }];

describe('@anthropic-ai/sdk against serve llm', () => {
  let llm: MockLlm;
  let client: Anthropic;
  before(async () => {
    llm = await startMockLlm({ port: 0, firstTokenMs: 1, interTokenMs: 0, tokens: [5, 5], apiKey: KEY });
    client = new Anthropic({ apiKey: KEY, baseURL: llm.url, maxRetries: 0, timeout: 30_000 });
  });
  after(() => llm.close());

  test('create: a text message with end_turn and usage', async () => {
    const message = await client.messages.create({ model: MODEL, max_tokens: 100, messages: hi });
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.content[0]?.type, 'text');
    assert.equal(message.usage.output_tokens, 5);
    assert.ok(message.usage.input_tokens > 0);
  });

  test('stream: finalMessage assembles the text; raw events come in Anthropic order', async () => {
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages: hi });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    const block = final.content[0];
    assert.ok(block?.type === 'text' && block.text === text && text !== '');
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(final.usage.output_tokens, 5);
    const raw = await client.messages.create({ model: MODEL, max_tokens: 100, messages: hi, stream: true });
    const types: string[] = [];
    for await (const event of raw) types.push(event.type);
    assert.deepEqual(types, [
      'message_start',
      'content_block_start',
      ...Array(5).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  test('max_tokens cuts the answer exactly: stop_reason max_tokens, streamed and not', async () => {
    const cut = await client.messages.create({ model: MODEL, max_tokens: 2, messages: hi });
    assert.equal(cut.stop_reason, 'max_tokens');
    assert.equal(cut.usage.output_tokens, 2);
    const final = await client.messages.stream({ model: MODEL, max_tokens: 3, messages: hi }).finalMessage();
    assert.equal(final.stop_reason, 'max_tokens');
    assert.equal(final.usage.output_tokens, 3);
  });

  test('tool use: input satisfies input_schema (create and stream); a tool result gets text', async () => {
    const used = await client.messages.create({
      model: MODEL,
      max_tokens: 200,
      messages: hi,
      tools,
      tool_choice: { type: 'any' },
    });
    const call = used.content[0];
    assert.equal(used.stop_reason, 'tool_use');
    assert.ok(call?.type === 'tool_use' && call.name === 'get_weather');
    assert.ok(conforms(call.input), JSON.stringify(conforms.errors));
    const streamed = await client.messages
      .stream({
        model: MODEL,
        max_tokens: 200,
        messages: hi,
        tools,
        tool_choice: { type: 'tool', name: 'get_weather' },
      })
      .finalMessage();
    const streamedCall = streamed.content[0];
    assert.ok(streamedCall?.type === 'tool_use', 'the SDK assembled the input_json_delta events');
    assert.ok(conforms(streamedCall.input));
    const answered = await client.messages.create({
      model: MODEL,
      max_tokens: 200,
      tools,
      messages: [
        ...hi,
        { role: 'assistant', content: [call] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '21C' }] },
      ],
    });
    assert.equal(answered.stop_reason, 'end_turn');
    assert.equal(answered.content[0]?.type, 'text');
  });

  test("models.list: Anthropic's model list shape", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.ok(ids.length > 0);
  });

  test('errors: 401, 400 (no max_tokens, empty messages), 404, 529 overloaded, all in Anthropic shape', async () => {
    const wrong = new Anthropic({ apiKey: 'sk-ant-wrong', baseURL: llm.url, maxRetries: 0 });
    await assert.rejects(wrong.messages.create({ model: MODEL, max_tokens: 10, messages: hi }), (error) => {
      assert.ok(error instanceof Anthropic.AuthenticationError);
      assert.equal(error.status, 401);
      assert.deepEqual((error.error as { error?: { type?: string } }).error?.type, 'authentication_error');
      return true;
    });
    await assert.rejects(client.messages.create({ model: MODEL, messages: hi } as never), (error) => {
      assert.ok(error instanceof Anthropic.BadRequestError);
      assert.match(error.message, /max_tokens: Field required/);
      return true;
    });
    await assert.rejects(
      client.messages.create({ model: MODEL, max_tokens: 10, messages: [] }),
      Anthropic.BadRequestError,
    );
    await assert.rejects(
      client.messages.batches.list(),
      Anthropic.NotFoundError,
      'not implemented: 404, no hang',
    );
    await assert.rejects(
      client.messages.create(
        { model: MODEL, max_tokens: 10, messages: hi },
        { headers: { 'x-mock-fault': 'http_500' } },
      ),
      Anthropic.InternalServerError,
    );
  });
});

test('the capacity refusal is 529 overloaded_error', async () => {
  const llm = await startMockLlm({ port: 0, firstTokenMs: 2000, tokens: [1, 1], capacity: 1, maxQueue: 0 });
  try {
    const client = new Anthropic({ apiKey: 'any', baseURL: llm.url, maxRetries: 0 });
    const first = client.messages.create({ model: MODEL, max_tokens: 10, messages: hi });
    // Wait until the first generation holds the only place.
    for (let i = 0; i < 100 && llm.stats().batch === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await assert.rejects(client.messages.create({ model: MODEL, max_tokens: 10, messages: hi }), (error) => {
      assert.ok(error instanceof Anthropic.APIError);
      assert.equal(error.status, 529);
      assert.equal((error.error as { error?: { type?: string } }).error?.type, 'overloaded_error');
      return true;
    });
    await first;
  } finally {
    await llm.close();
  }
});
