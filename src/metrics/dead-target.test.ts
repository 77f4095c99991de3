import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeStoppedAnswering, stoppedAnswering } from './dead-target.ts';

const row = (elapsedS: number, requests: number, refused = 0, events = 0) => ({
  elapsedS,
  requests,
  events,
  errors: refused > 0 ? { connection_error: refused } : {},
});

test('answers, then only connection errors to the end: stopped at the last second that answered', () => {
  const history = [
    row(1, 20, 0, 40),
    row(2, 22, 0, 44),
    row(3, 5, 3, 4),
    row(4, 4, 4),
    row(5, 0),
    row(6, 2, 2),
  ];
  assert.deepEqual(stoppedAnswering(history), { atS: 3, connectionErrors: 6 });
  assert.equal(
    describeStoppedAnswering({ atS: 3, connectionErrors: 6 }),
    'target stopped answering at 3 s: all 6 requests after it failed to connect (connection_error)',
  );
});

test('a target that answers to the end, a blip, or one that never answered is not "stopped"', () => {
  assert.equal(stoppedAnswering([row(1, 10), row(2, 10, 2), row(3, 10)]), null, 'answered at the end');
  assert.equal(stoppedAnswering([row(1, 10), row(2, 2, 2)]), null, 'two errors are a blip');
  assert.equal(
    stoppedAnswering([row(1, 5, 5), row(2, 5, 5)]),
    null,
    'never answered: "no request succeeded"',
  );
  assert.equal(stoppedAnswering([]), null);
  // Long streams: no request completed in a second, but events arrived: the target answers.
  assert.equal(stoppedAnswering([row(1, 3), row(2, 0, 0, 50), row(3, 0, 0, 50)]), null);
  // Any other failure is an answer too (the server spoke: 500, 429…).
  assert.equal(stoppedAnswering([row(1, 10), row(2, 4, 0), row(3, 1, 1)]), null);
});
