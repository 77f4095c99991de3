/**
 * The official `openai` Node SDK as a real client of `serve llm` on 127.0.0.1: each test is a call
 * a user makes, and what the SDK hands back (its parsed objects, its helpers' assembled streams,
 * its typed errors) is what is checked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { zodResponseFormat, zodTextFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';

const KEY = 'sk-sdk-test';
const MODEL = 'gpt-4o-mini';
const user = (content: string) => [{ role: 'user' as const, content }];

const WEATHER = {
  type: 'object',
  properties: {
    city: { type: 'string', minLength: 2 },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
  },
  required: ['city', 'unit', 'days'],
  additionalProperties: false,
};
const conforms = new Ajv({ strict: false }).compile(WEATHER);
const weatherTool = { type: 'function' as const, function: { name: 'get_weather', parameters: WEATHER } };

describe('openai SDK against serve llm', () => {
  let llm: MockLlm;
  let client: OpenAI;
  before(async () => {
    llm = await startMockLlm({ port: 0, firstTokenMs: 1, interTokenMs: 0, tokens: [6, 6], apiKey: KEY });
    client = new OpenAI({ apiKey: KEY, baseURL: `${llm.url}/v1`, maxRetries: 0, timeout: 30_000 });
  });
  after(() => llm.close());

  test('chat: n choices, each with its own index and finish, streamed and not', async () => {
    const whole = await client.chat.completions.create({ model: MODEL, messages: user('hi'), n: 2 });
    assert.deepEqual(
      whole.choices.map((c) => [c.index, c.finish_reason]),
      [
        [0, 'stop'],
        [1, 'stop'],
      ],
    );
    assert.ok(whole.choices.every((c) => (c.message.content ?? '').length > 0));
    assert.equal(whole.usage?.completion_tokens, 12, 'usage counts every choice');
    const stream = client.chat.completions.stream({ model: MODEL, messages: user('hi'), n: 3 });
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices.length, 3);
    assert.deepEqual(
      final.choices.map((c) => c.index),
      [0, 1, 2],
    );
    assert.ok(final.choices.every((c) => c.finish_reason === 'stop' && (c.message.content ?? '') !== ''));
  });

  test('chat: max_tokens and max_completion_tokens are honoured exactly, finish "length"', async () => {
    const cut = await client.chat.completions.create({ model: MODEL, messages: user('hi'), max_tokens: 3 });
    assert.equal(cut.choices[0]?.finish_reason, 'length');
    assert.equal(cut.usage?.completion_tokens, 3);
    const stream = await client.chat.completions.create({
      model: MODEL,
      messages: user('hi'),
      max_completion_tokens: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    let content = 0;
    let finish: string | null = null;
    let usage = -1;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) content++;
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage.completion_tokens;
    }
    assert.deepEqual([content, finish, usage], [2, 'length', 2]);
    const roomy = await client.chat.completions.create({
      model: MODEL,
      messages: user('hi'),
      max_tokens: 50,
    });
    assert.equal(roomy.choices[0]?.finish_reason, 'stop', 'a limit not reached is no cut');
  });

  test('chat: tools with tool_choice required and named give tool_calls that satisfy the schema', async () => {
    const required = await client.chat.completions.create({
      model: MODEL,
      messages: user('weather in Paris?'),
      tools: [weatherTool],
      tool_choice: 'required',
    });
    const call = required.choices[0]?.message.tool_calls?.[0];
    assert.equal(required.choices[0]?.finish_reason, 'tool_calls');
    assert.ok(call?.type === 'function' && call.function.name === 'get_weather');
    assert.ok(conforms(JSON.parse(call.function.arguments)), JSON.stringify(conforms.errors));
    // Streamed: the SDK's helper assembles the argument deltas into one call.
    const other = { type: 'function' as const, function: { name: 'noop', parameters: { type: 'object' } } };
    const stream = client.chat.completions.stream({
      model: MODEL,
      messages: user('weather?'),
      tools: [other, weatherTool],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    assert.ok(streamed?.type === 'function' && streamed.function.name === 'get_weather');
    assert.ok(conforms(JSON.parse(streamed.function.arguments)));
    assert.equal(final.choices[0]?.finish_reason, 'tool_calls');
  });

  test('chat: tool_choice none and a tool result are answered in text; auto calls a tool first', async () => {
    const none = await client.chat.completions.create({
      model: MODEL,
      messages: user('hi'),
      tools: [weatherTool],
      tool_choice: 'none',
    });
    assert.equal(none.choices[0]?.message.tool_calls, undefined);
    assert.ok((none.choices[0]?.message.content ?? '') !== '');
    const auto = await client.chat.completions.create({
      model: MODEL,
      messages: user('hi'),
      tools: [weatherTool],
    });
    const call = auto.choices[0]?.message.tool_calls?.[0];
    assert.ok(call?.type === 'function');
    const answered = await client.chat.completions.create({
      model: MODEL,
      tools: [weatherTool],
      messages: [
        ...user('hi'),
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temp": 21}' },
      ],
    });
    assert.equal(answered.choices[0]?.finish_reason, 'stop');
    assert.ok((answered.choices[0]?.message.content ?? '') !== '');
  });

  test('chat: response_format json_object and json_schema (zod) give conforming JSON', async () => {
    const object = await client.chat.completions.create({
      model: MODEL,
      messages: user('answer in JSON'),
      response_format: { type: 'json_object' },
    });
    const parsed: unknown = JSON.parse(object.choices[0]?.message.content ?? '');
    assert.ok(parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed));
    const Person = z.object({
      name: z.string(),
      age: z.number().int().min(0).max(120),
      tags: z.array(z.enum(['a', 'b'])),
      address: z.object({ city: z.string() }).nullable(),
    });
    const typed = await client.chat.completions.parse({
      model: MODEL,
      messages: user('a person'),
      response_format: zodResponseFormat(Person, 'person'),
    });
    const person = typed.choices[0]?.message.parsed;
    assert.ok(person, 'the SDK parsed the content with the zod schema');
    assert.equal(Person.safeParse(person).success, true);
  });

  test('chat: logprobs with top_logprobs, one entry per token, streamed and not', async () => {
    const whole = await client.chat.completions.create({
      model: MODEL,
      messages: user('hi'),
      logprobs: true,
      top_logprobs: 2,
    });
    const content = whole.choices[0]?.logprobs?.content ?? [];
    assert.equal(content.length, 6);
    assert.equal(content.map((c) => c.token).join(''), whole.choices[0]?.message.content);
    assert.ok(content.every((c) => c.logprob < 0 && c.top_logprobs.length === 2));
    const final = await client.chat.completions
      .stream({ model: MODEL, messages: user('hi'), logprobs: true })
      .finalChatCompletion();
    assert.equal(final.choices[0]?.logprobs?.content?.length, 6, 'the helper gathered one per chunk');
    await assert.rejects(
      client.chat.completions.create({ model: MODEL, messages: user('hi'), top_logprobs: 2 }),
      OpenAI.BadRequestError,
    );
  });

  test('completions: stream: true streams text chunks and ends with a finish', async () => {
    const stream = await client.completions.create({
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say hi',
      max_tokens: 4,
      stream: true,
    });
    let text = '';
    let finish: string | null = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.text ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.ok(chunks >= 4 && text !== '');
    assert.equal(finish, 'length');
  });

  test('embeddings: the SDK default base64 and float, with dimensions', async () => {
    const base64 = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['one', 'two'],
      dimensions: 256,
    });
    assert.equal(base64.data.length, 2);
    for (const item of base64.data) {
      assert.equal(item.embedding.length, 256);
      assert.ok(item.embedding.some((v) => v !== 0) && item.embedding.every((v) => Math.abs(v) <= 1));
    }
    // The SDK asks for base64 by default (and decodes floats too): the wire must carry base64 of
    // little-endian float32, which is what the SDK handed back above.
    const raw = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: 'one', dimensions: 8 })
      .asResponse();
    const wire = (await raw.json()) as { data: { embedding: unknown }[] };
    const encoded = wire.data[0]?.embedding;
    assert.equal(typeof encoded, 'string', 'encoding_format base64 answered in base64');
    const bytes = Buffer.from(encoded as string, 'base64');
    assert.equal(bytes.length, 8 * 4);
    assert.ok(Array.from({ length: 8 }, (_, i) => bytes.readFloatLE(i * 4)).every((v) => Math.abs(v) <= 1));
    const float = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'one',
      encoding_format: 'float',
    });
    assert.equal(float.data[0]?.embedding.length, 1536);
  });

  test('responses: create, stream with its typed events, function calls, max_output_tokens, json', async () => {
    const made = await client.responses.create({ model: MODEL, input: 'hi', instructions: 'be brief' });
    assert.equal(made.status, 'completed');
    assert.ok(made.output_text.length > 0);
    assert.equal(made.usage?.output_tokens, 6);
    const stream = client.responses.stream({ model: MODEL, input: 'hi' });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    const final = await stream.finalResponse();
    assert.equal(final.output_text, text);
    assert.deepEqual(
      types.filter((t) => t !== 'response.output_text.delta'),
      [
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ],
    );
    assert.equal(types.filter((t) => t === 'response.output_text.delta').length, 6);
    const called = await client.responses.create({
      model: MODEL,
      input: 'weather?',
      tools: [{ type: 'function', name: 'get_weather', parameters: WEATHER, strict: true }],
      tool_choice: 'required',
    });
    const call = called.output[0];
    assert.ok(call?.type === 'function_call' && call.name === 'get_weather');
    assert.ok(conforms(JSON.parse(call.arguments)));
    const cut = await client.responses.create(
      { model: MODEL, input: 'hi', max_output_tokens: 16 },
      { headers: { 'x-mock-tokens': '40' } },
    );
    assert.equal(cut.status, 'incomplete');
    assert.equal(cut.incomplete_details?.reason, 'max_output_tokens');
    assert.equal(cut.usage?.output_tokens, 16);
    const Answer = z.object({ answer: z.string(), score: z.number() });
    const typed = await client.responses.parse({
      model: MODEL,
      input: 'json',
      text: { format: zodTextFormat(Answer, 'answer') },
    });
    assert.equal(Answer.safeParse(typed.output_parsed).success, true);
  });

  test('errors: the SDK raises its own typed errors with OpenAI shapes', async () => {
    await assert.rejects(client.chat.completions.create({ model: MODEL, messages: [] }), (error) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.equal(error.param, 'messages');
      return true;
    });
    await assert.rejects(
      client.chat.completions.create({ model: MODEL, messages: user('hi'), bogus_param: 1 } as never),
      (error) => error instanceof OpenAI.BadRequestError && /bogus_param/.test(error.message),
    );
    await assert.rejects(
      client.responses.create({ model: MODEL, input: 'hi' }, { headers: { 'x-mock-fault': 'rate_limit' } }),
      OpenAI.RateLimitError,
      'a fault knob applies to the Responses API too',
    );
    await assert.rejects(
      client.batches.list(),
      OpenAI.NotFoundError,
      'an endpoint the mock lacks: 404, no hang',
    );
    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${llm.url}/v1`, maxRetries: 0 });
    await assert.rejects(wrong.responses.create({ model: MODEL, input: 'hi' }), OpenAI.AuthenticationError);
  });
});
