import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textTable } from './tables.ts';

test('textTable lays out a table too large to spread into Math.max', () => {
  const rows = Array.from({ length: 300_000 }, (_, i) => [`row ${i}`, i]);
  const text = textTable(['name', 'n'], rows);
  const lines = text.split('\n');
  assert.equal(lines.length, 300_002);
  assert.equal(lines[0], 'name             n');
  assert.equal(lines.at(-1), 'row 299999  299999');
});
