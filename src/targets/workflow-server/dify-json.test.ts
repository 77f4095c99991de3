import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pythonJson, sortedJson } from './dify-json.ts';

test('sortedJson sorts keys at every level and stays compact', () => {
  assert.equal(
    sortedJson({
      event: 'text_chunk',
      task_id: 't',
      data: { text: 'a', from_variable_selector: ['1', 'q'] },
    }),
    '{"data":{"from_variable_selector":["1","q"],"text":"a"},"event":"text_chunk","task_id":"t"}',
  );
  assert.equal(sortedJson({ b: [{ d: 1, c: null }], a: 'x' }), '{"a":"x","b":[{"c":null,"d":1}]}');
  const value = { z: { y: 1, x: { w: 'ü"' } }, a: [1, 'two', { c: 3, b: 2 }] };
  assert.deepEqual(JSON.parse(sortedJson(value)), value);
});

test("pythonJson writes Python's default separators in declaration order", () => {
  assert.equal(
    pythonJson({ code: 'unauthorized', message: 'Access token is invalid', status: 401 }),
    '{"code": "unauthorized", "message": "Access token is invalid", "status": 401}',
  );
  assert.equal(
    pythonJson({ a: [], b: {}, c: [1, { d: null }], e: undefined }),
    '{"a": [], "b": {}, "c": [1, {"d": null}]}',
  );
  const value = { s: 'a, b: "c"', n: 0.056242, t: true, list: ['x', { y: 'z' }] };
  assert.deepEqual(JSON.parse(pythonJson(value)), value);
});
