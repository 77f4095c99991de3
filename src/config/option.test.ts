import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envName, flagOf, optionIn } from './option.ts';
import { text } from './values.ts';

test('a name is a flag, an env variable and a config key under both spellings', () => {
  assert.equal(flagOf('runTime'), '--run-time');
  assert.equal(envName('apiKey'), 'STREAMLOAD_API_KEY');
  // A status code is its own word (`serve llm --fail-500`); a version is not (`--http2`).
  assert.equal(flagOf('fail500'), '--fail-500');
  assert.equal(envName('fail429'), 'STREAMLOAD_FAIL_429');
  assert.equal(flagOf('http2'), '--http2');
  assert.equal(envName('http2'), 'STREAMLOAD_HTTP2');
  const table = { fail500: { help: '', arg: 'rate', value: text, default: null } };
  assert.equal(optionIn(table, 'fail500'), 'fail500');
  assert.equal(optionIn(table, 'fail-500'), 'fail500');
  assert.equal(optionIn(table, 'fail_500'), undefined);
});
