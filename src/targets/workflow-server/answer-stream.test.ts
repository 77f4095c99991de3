import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAnswerStream, parseAnswerTemplate } from './answer-stream.ts';

test('an answer template splits into literal text and references', () => {
  assert.deepEqual(parseAnswerTemplate('Hi {{#1.text#}}!'), [
    { kind: 'text', text: 'Hi ' },
    { kind: 'ref', raw: '{{#1.text#}}', node: '1', path: ['text'] },
    { kind: 'text', text: '!' },
  ]);
});

test('literal text goes out first, LLM deltas stream in place, later parts once their node is done', () => {
  const done = new Set<string>();
  const out: [string, string | null][] = [];
  const stream = createAnswerStream(
    [{ nodeId: 'a', template: 'A: {{#llm.text#}} ({{#start.q#}})', certain: true }],
    {
      isDone: (id) => done.has(id),
      render: (ref) => (ref === '{{#start.q#}}' ? 'why' : 'FULL'),
      emit: (text, selector) => out.push([text, selector?.join('.') ?? null]),
    },
  );
  stream.flush();
  assert.deepEqual(out, [['A: ', null]]);
  assert.equal(stream.delta('other', 'x'), false, 'an LLM the answer is not waiting on is not forwarded');
  assert.equal(stream.delta('llm', 'to'), true);
  assert.equal(stream.delta('llm', 'ken'), true);
  done.add('llm');
  stream.flush();
  // The streamed LLM text is not repeated; the start node is not done yet, so the answer waits.
  assert.deepEqual(out, [
    ['A: ', null],
    ['to', 'llm.text'],
    ['ken', 'llm.text'],
    [' (', null],
  ]);
  done.add('start');
  stream.flush();
  assert.deepEqual(out.slice(4), [
    ['why', 'start.q'],
    [')', null],
  ]);
});

test('an Answer on a branch waits to be launched, and a skipped one is dropped', () => {
  const out: string[] = [];
  const stream = createAnswerStream(
    [
      { nodeId: 'yes', template: 'contains hello', certain: false },
      { nodeId: 'no', template: 'no hello', certain: false },
      { nodeId: 'last', template: '!', certain: true },
    ],
    { isDone: () => true, render: () => '', emit: (text) => out.push(text) },
  );
  stream.flush();
  assert.deepEqual(out, [], 'nothing goes out before the branch is decided');
  stream.skip('yes');
  stream.activate('no');
  stream.flush();
  assert.deepEqual(out, ['no hello', '!']);
});
