import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placeholderInputs, protocolFor } from './app-steps.ts';

test('app modes map to protocols; completion apps have none', () => {
  assert.equal(protocolFor('workflow'), 'workflow');
  assert.equal(protocolFor('advanced-chat'), 'chat');
  assert.equal(protocolFor('agent-chat'), 'chat');
  assert.equal(protocolFor('completion'), undefined);
});

test('required Start variables the protocol does not fill get placeholders', () => {
  const parameters = {
    user_input_form: [
      { 'text-input': { variable: 'question', required: true } },
      { select: { variable: 'tone', required: true, options: ['dry', 'warm'] } },
      { number: { variable: 'n', required: true } },
      { paragraph: { variable: 'notes', required: false } },
    ],
  };
  assert.deepEqual(placeholderInputs(parameters, 'workflow'), { tone: 'dry', n: 1 });
  assert.deepEqual(placeholderInputs(parameters, 'chat'), { question: 'streamload', tone: 'dry', n: 1 });
});
