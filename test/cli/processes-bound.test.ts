/**
 * `--processes` is bounded before anything is forked or sent (issue 29 M13): 1000 processes for 2
 * users used to fork 1000 children. Real CLI; the target is never reached.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, tempDir } from './helpers.ts';

const run = (...extra: string[]) =>
  runCli(
    [
      'run',
      '--target',
      'http://127.0.0.1:9',
      '--protocol',
      'openai',
      '--run-time',
      '2s',
      '--out',
      tempDir(),
      ...extra,
    ],
    {
      timeoutMs: 30_000,
    },
  );

test('M13: --processes above the users or above the documented maximum is exit 2, one line, nothing forked', async () => {
  const tooMany = await run('--users', '2', '--processes', '1000');
  assert.equal(tooMany.code, 2, tooMany.stderr);
  assert.equal(
    tooMany.stderr.trim(),
    'streamload: --processes must be auto or a whole number from 1 to 256, got "1000"',
  );

  const moreThanUsers = await run('--users', '2', '--processes', '3');
  assert.equal(moreThanUsers.code, 2, moreThanUsers.stderr);
  assert.match(moreThanUsers.stderr, /^streamload: --processes 3 is more than the 2 users to split/);
  assert.doesNotMatch(moreThanUsers.stderr, /cannot reach/, 'refused before the preflight');
});
