import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failureKind } from './failure-kind.ts';
import { createSeriesCap, OTHER_NAME } from './series-cap.ts';

test('each family keeps its first max names; the rest are (other), Object.prototype keys included', () => {
  const cap = createSeriesCap(3);
  assert.equal(cap.admit('checks', 'constructor'), 'constructor');
  assert.equal(cap.admit('checks', '__proto__'), '__proto__');
  assert.equal(cap.admit('checks', 'toString'), 'toString');
  assert.equal(cap.admit('checks', 'constructor'), 'constructor', 'an admitted name stays');
  assert.equal(cap.admit('checks', 'a fourth'), OTHER_NAME);
  assert.deepEqual(cap.overflowed(), ['checks']);
  assert.equal(cap.admit('requests', 'a fourth'), 'a fourth', 'families are capped apart');
  assert.deepEqual(cap.overflowed(), ['checks']);
});

test('a connection_error failure row is keyed by its cause; other errors by their name', () => {
  assert.equal(
    failureKind('connection_error', 'connection refused (connect ECONNREFUSED 127.0.0.1:1)'),
    'connection_error: connection refused',
  );
  assert.equal(
    failureKind('connection_error', 'connection reset by the server (read ECONNRESET)'),
    'connection_error: connection reset by the server',
  );
  assert.equal(failureKind('connection_error', 'EHOSTUNREACH: no route'), 'connection_error');
  assert.equal(failureKind('http_5xx', 'connection refused (it says so)'), 'http_5xx');
});
