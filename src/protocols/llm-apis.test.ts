/**
 * The Responses API and Anthropic interpreters: the name shortcuts mean what the full parse
 * means, events without an `event:` name are read from their `type`, usage and errors, bodies.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SseEvent } from '../sse/types.ts';
import { createAnthropicProtocol } from './anthropic.ts';
import { createOpenAiResponsesProtocol } from './openai-responses.ts';
import type { EventMeaning } from './types.ts';

const sse = (data: string, type = 'message'): SseEvent => ({ type, data, lastEventId: '', retry: undefined });
const ctx = { question: 'q', inputs: {}, user: 'u', responseMode: 'streaming' as const };

const kind = (m: EventMeaning) => (m.kind === 'failure' ? `failure:${m.error}` : m.kind);

test('anthropic: the key as x-api-key with anthropic-version, max_tokens overridable by --inputs', () => {
  const protocol = createAnthropicProtocol({ apiKey: 'sk-ant', headers: { 'user-agent': 'x' } });
  const req = protocol.buildRequest({ ...ctx, inputs: { max_tokens: 7 } });
  assert.equal(req.path, '/v1/messages');
  assert.equal(req.headers['x-api-key'], 'sk-ant');
  assert.equal(req.headers['anthropic-version'], '2023-06-01');
  assert.equal(req.headers.authorization, undefined);
  assert.deepEqual(JSON.parse(req.body ?? ''), {
    model: 'claude-sonnet-4-5',
    max_tokens: 7,
    messages: [{ role: 'user', content: 'q' }],
    stream: true,
  });
  const responses = createOpenAiResponsesProtocol({ apiKey: 'sk-oa' }).buildRequest(ctx);
  assert.equal(responses.headers.authorization, 'Bearer sk-oa');
  assert.deepEqual(JSON.parse(responses.body ?? ''), { model: 'gpt-4o-mini', input: 'q', stream: true });
});

const anthropicEvents = fc.oneof(
  fc
    .string()
    .map(
      (text) =>
        [
          'content_block_delta',
          { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
        ] as const,
    ),
  fc
    .string()
    .map(
      (partial_json) =>
        [
          'content_block_delta',
          { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json } },
        ] as const,
    ),
  fc.constant(['ping', { type: 'ping' }] as const),
  fc.constant(['content_block_stop', { type: 'content_block_stop', index: 0 }] as const),
  fc
    .nat()
    .map(
      (n) =>
        [
          'message_delta',
          { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: n } },
        ] as const,
    ),
  fc.constant(['message_stop', { type: 'message_stop' }] as const),
);

const responseEvents = fc.oneof(
  fc.string().map(
    (delta) =>
      [
        'response.output_text.delta',
        {
          type: 'response.output_text.delta',
          item_id: 'm',
          output_index: 0,
          content_index: 0,
          delta,
          sequence_number: 3,
        },
      ] as const,
  ),
  fc.constant([
    'response.in_progress',
    { type: 'response.in_progress', response: { status: 'in_progress' } },
  ] as const),
  fc
    .string()
    .map(
      (delta) =>
        [
          'response.function_call_arguments.delta',
          { type: 'response.function_call_arguments.delta', delta },
        ] as const,
    ),
  fc
    .nat()
    .map(
      (n) =>
        [
          'response.completed',
          { type: 'response.completed', response: { status: 'completed', usage: { output_tokens: n } } },
        ] as const,
    ),
);

test('named or not, whole or cut: the shortcut means what the full parse means', () => {
  for (const [protocol, events] of [
    [createAnthropicProtocol({}), anthropicEvents],
    [createOpenAiResponsesProtocol({}), responseEvents],
  ] as const) {
    fc.assert(
      fc.property(events, fc.nat(20), ([name, value], cut) => {
        let data = JSON.stringify(value);
        const reference = kind(protocol.createInterpreter().interpret(sse(data)));
        assert.equal(kind(protocol.createInterpreter().interpret(sse(data, name))), reference, data);
        // Accepted blind spot: a lifecycle event named in `event:` is not parsed, so a cut one passes.
        if (cut > 0 && !(reference === 'lifecycle' && name !== 'content_block_delta')) {
          data = data.slice(0, Math.max(1, data.length - cut));
          while (data.endsWith('}')) data = data.slice(0, -1);
          assert.equal(
            kind(protocol.createInterpreter().interpret(sse(data, name))),
            'failure:invalid_json',
            data,
          );
        }
      }),
      { numRuns: 1000 },
    );
  }
});

test('anthropic: text deltas are tokens, tool input is not, usage from message_delta, errors', () => {
  const interpreter = createAnthropicProtocol({}).createInterpreter();
  const text = sse(
    '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}',
    'content_block_delta',
  );
  assert.deepEqual(interpreter.interpret(text), { kind: 'content', tokens: 1 });
  const json = sse(
    '{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"type\\": \\"text_delta\\""}}',
    'content_block_delta',
  );
  assert.equal(
    interpreter.interpret(json).kind,
    'lifecycle',
    'escaped quotes inside a string are not the name',
  );
  assert.deepEqual(
    interpreter.interpret(
      sse(
        '{"type":"message_delta","delta":{"stop_reason":"max_tokens"},"usage":{"output_tokens":9}}',
        'message_delta',
      ),
    ),
    { kind: 'usage', tokens: 9 },
  );
  assert.deepEqual(interpreter.interpret(sse('{"type":"message_stop"}', 'message_stop')), {
    kind: 'terminal',
    ok: true,
  });
  assert.deepEqual(
    interpreter.interpret(
      sse('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', 'error'),
    ),
    {
      kind: 'failure',
      error: 'stream_error',
      message: 'overloaded_error: Overloaded',
    },
  );
  const protocol = createAnthropicProtocol({});
  assert.deepEqual(protocol.judgeBody('{"type":"message","content":[],"usage":{"output_tokens":4}}'), {
    ok: true,
    tokens: 4,
  });
  assert.equal(protocol.judgeBody('{"type":"error","error":{"type":"api_error","message":"x"}}').ok, false);
});

test('responses: completed and incomplete end well with usage; failed and error do not', () => {
  const protocol = createOpenAiResponsesProtocol({});
  const interpreter = protocol.createInterpreter();
  for (const status of ['completed', 'incomplete']) {
    assert.deepEqual(
      interpreter.interpret(
        sse(
          `{"type":"response.${status}","response":{"status":"${status}","usage":{"output_tokens":5}}}`,
          `response.${status}`,
        ),
      ),
      { kind: 'terminal', ok: true, usageTokens: 5 },
    );
  }
  const failed = interpreter.interpret(
    sse(
      '{"type":"response.failed","response":{"status":"failed","error":{"code":"server_error","message":"boom"}}}',
      'response.failed',
    ),
  );
  assert.ok(failed.kind === 'terminal' && !failed.ok && /server_error boom/.test(failed.message ?? ''));
  assert.equal(
    interpreter.interpret(sse('{"type":"error","code":"x","message":"y"}', 'error')).kind,
    'failure',
  );
  assert.deepEqual(protocol.judgeBody('{"status":"completed","error":null,"usage":{"output_tokens":3}}'), {
    ok: true,
    tokens: 3,
  });
  assert.equal(protocol.judgeBody('{"status":"failed","error":{"code":"x"}}').ok, false);
});
