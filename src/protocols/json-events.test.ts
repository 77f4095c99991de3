/**
 * Dify events classified from their name (and chat's `answer`) without JSON.parse must mean
 * exactly what the full parse says: checked on generated events in Dify's compact and Python
 * (`": "`) spellings, with nested objects, other key orders, empty answers and cut data.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SseEvent } from '../sse/types.ts';
import { createChatProtocol } from './chat.ts';
import { eventNamed, leadingEventAt, nonEmptyString } from './json-events.ts';
import type { EventMeaning } from './types.ts';
import { createWorkflowProtocol } from './workflow.ts';

const sse = (data: string): SseEvent => ({ type: 'message', data, lastEventId: '', retry: undefined });

/** Python's json.dumps spacing (`{"a": 1, "b": 2}`), as a real Dify server writes. */
function pythonStyle(value: unknown): string {
  return JSON.stringify(value, null, 1)
    .replace(/\n\s*/g, ' ')
    .replace(/\{ /g, '{')
    .replace(/ \}/g, '}')
    .replace(/\[ /g, '[')
    .replace(/ \]/g, ']');
}

/** What the interpreters said before the name shortcut: parse, then read the fields. */
function reference(protocol: 'workflow' | 'chat', data: string): string {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return 'failure';
  }
  if (protocol === 'workflow') return value.event === 'text_chunk' ? 'token' : 'other';
  if (value.event === 'message' || value.event === 'agent_message') {
    return typeof value.answer === 'string' && value.answer !== '' ? 'token' : 'lifecycle';
  }
  return 'other';
}

function kind(meaning: EventMeaning): string {
  if (meaning.kind === 'content') return 'token';
  if (meaning.kind === 'failure' && meaning.error === 'invalid_json') return 'failure';
  return meaning.kind === 'lifecycle' ? 'lifecycle' : 'other';
}

const workflow = createWorkflowProtocol({}).createInterpreter();
const chat = createChatProtocol({}).createInterpreter();

/** Both interpreters (with no terminal yet) say of `data` what the full parse says. */
function assertSameMeaning(data: string): void {
  for (const [name, interpreter] of [
    ['workflow', workflow],
    ['chat', chat],
  ] as const) {
    // Only the content / lifecycle / failure kinds compared.
    const expected = reference(name, data);
    const actual = kind(interpreter.interpret(sse(data)));
    if (expected === 'other') assert.notEqual(actual, 'token', `${name}: ${data}`);
    else assert.equal(actual, expected, `${name}: ${data}`);
  }
}

const names = fc.constantFrom(
  'text_chunk',
  'message',
  'agent_message',
  'message_end',
  'ping',
  'text_chunked',
);
const answers = fc.oneof(fc.constant(''), fc.string(), fc.constant('"answer": "x"'), fc.constant(null));
const extra = fc.dictionary(
  fc.constantFrom('task_id', 'id', 'data', 'metadata', 'answer_id'),
  fc.oneof(fc.string(), fc.integer(), fc.record({ answer: fc.string(), text: fc.string() })),
  { maxKeys: 3 },
);

test('the shortcut means what the full parse means, whatever the spelling, key order or cut', () => {
  fc.assert(
    fc.property(
      names,
      answers,
      extra,
      fc.boolean(),
      fc.boolean(),
      fc.nat(40),
      (event, answer, rest, python, eventFirst, cut) => {
        const fields = { ...rest, ...(answer === null ? {} : { answer }) };
        const value = eventFirst ? { event, ...fields } : { ...fields, event };
        let data = python ? pythonStyle(value) : JSON.stringify(value);
        if (cut > 30) {
          // A cut event: the shortcut needs a complete object, so one that ends in `}` is the
          // accepted blind spot (next test); every other cut must still be invalid_json.
          data = data.slice(0, data.length - (cut - 30));
          while (data.endsWith('}')) data = data.slice(0, -1);
        }
        assertSameMeaning(data);
      },
    ),
    { numRuns: 2000 },
  );
});

test('leadingEventAt and the in-place readers on named shapes', () => {
  const compact = '{"event":"text_chunk","data":{"text":"hi"}}';
  assert.equal(eventNamed(compact, leadingEventAt(compact), 'text_chunk'), true);
  assert.equal(eventNamed(compact, leadingEventAt(compact), 'text'), false, 'the whole name, not a prefix');
  const python = '{"event": "message", "answer": "Hello"}';
  assert.equal(eventNamed(python, leadingEventAt(python), 'message'), true);
  assert.equal(leadingEventAt('{"event":"text_chunk","data":{"text":"hi"'), -1, 'a cut event is parsed');
  // Dify 1.13 sorts keys: "event" in the middle is read when nothing after it can be nested.
  const sorted = '{"data":{"text":"hi"},"event":"text_chunk","task_id":"t"}';
  assert.equal(eventNamed(sorted, leadingEventAt(sorted), 'text_chunk'), true);
  const nestedFirst = '{"data":{"event":"x"},"event":"text_chunk","task_id":"t"}';
  assert.equal(leadingEventAt(nestedFirst), -1, 'a nested "event" found first: the full parse decides');
  const selector = '{"answer":"a","event":"message","from_variable_selector":["x","text"],"id":"m"}';
  assert.equal(eventNamed(selector, leadingEventAt(selector), 'message'), true);
  assert.equal(leadingEventAt('{"a":{"event":"text_chunk"},"b":1}'), -1, 'a nested "event" closed later');
  const leading = '{"event":"x","a":{"event":"text_chunk","b":"c"}}';
  assert.equal(eventNamed(leading, leadingEventAt(leading), 'x'), true, 'the leading key wins');
  assert.equal(
    leadingEventAt('{"data":"}","event":"text_chunk","t":"{"}'),
    -1,
    'a brace in a string after it: parsed',
  );
  assert.equal(
    leadingEventAt('{"data":1,"event":"text_chunk","t":"\\"}'),
    -1,
    'a backslash after it: parsed',
  );
  assert.equal(nonEmptyString(python, '"answer":'), 1);
  assert.equal(nonEmptyString('{"event":"message","answer":""}', '"answer":'), 0);
  assert.equal(nonEmptyString('{"event":"message","answer":null}', '"answer":'), -1);
  assert.equal(nonEmptyString('{"event":"message","meta":{"answer":""},"answer":"x"}', '"answer":'), -1);
  assert.equal(
    nonEmptyString('{"event":"message","title":"\\"answer\\": \\"\\"","answer":"x"}', '"answer":'),
    1,
  );
});

/** Objects whose keys come in any order, some nesting an `"event"` key of their own. */
const anyOrder = fc
  .tuple(
    names,
    answers,
    fc.dictionary(
      fc.constantFrom('task_id', 'id', 'data', 'metadata', 'from_variable_selector', 'workflow_run_id', 'zz'),
      fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant(null),
        fc.array(fc.string(), { maxLength: 3 }),
        fc.record({ event: names, text: fc.string() }),
        fc.record({ answer: fc.string(), inner: fc.record({ event: names }) }),
      ),
      { maxKeys: 5 },
    ),
  )
  .chain(([event, answer, rest]) => {
    const entries: [string, unknown][] = [
      ['event', event],
      ...(answer === null ? [] : [['answer', answer] as [string, unknown]]),
      ...Object.entries(rest),
    ];
    return fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length });
  });

test('the shortcut means what the full parse means on every key order, nested "event" keys included', () => {
  fc.assert(
    fc.property(anyOrder, fc.boolean(), (entries, python) => {
      const value = Object.fromEntries(entries);
      assertSameMeaning(python ? pythonStyle(value) : JSON.stringify(value));
    }),
    { numRuns: 3000 },
  );
});

test('accepted blind spot: a text_chunk cut right after a nested object still counts as content', () => {
  // The shortcut reads the name and checks the object is closed, not that every brace matches:
  // malformed JSON that a server cuts exactly there is a token, where the full parse said invalid_json.
  const cut = '{"event":"text_chunk","data":{"text":"hi"}';
  assert.equal(createWorkflowProtocol({}).createInterpreter().interpret(sse(cut)).kind, 'content');
});
