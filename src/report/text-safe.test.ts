import assert from 'node:assert/strict';
import { test } from 'node:test';
import { markdownTable, textTable } from './tables.ts';
import { escapeControl, escapeLines } from './text-safe.ts';

test('terminal escapes, C1 and bidi controls are shown, not obeyed', () => {
  assert.equal(escapeControl('a\u001b[2Kb'), 'a\\x1b[2Kb');
  assert.equal(escapeControl('\u001b]0;pwned\u0007'), '\\x1b]0;pwned\\x07');
  assert.equal(escapeControl('x\u009by\u007f'), 'x\\x9by\\x7f');
  assert.equal(escapeControl('abc\u202edef'), 'abc\\u202edef');
  assert.equal(escapeControl('one\ntwo\tthree\r'), 'one\\ntwo\\tthree\\r');
  assert.equal(escapeLines('one\ntwo\u001b[2K'), 'one\ntwo\\x1b[2K');
  assert.equal(escapeControl('plain — text, ünïcode'), 'plain — text, ünïcode');
});

test('table cells are escaped before their width is measured', () => {
  const text = textTable(['name', 'n'], [['a\u001b[2Kb\nc', 1]]);
  assert.doesNotMatch(text, /\u001b/);
  assert.equal(text.split('\n').length, 3, 'a newline in a cell does not add a row');
  assert.match(markdownTable(['name'], [['x\u001b]0;t\u0007|y']]), /x\\x1b\]0;t\\x07\\\|y/);
});
