import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { withGeneratedConfig } from './run-json-schema.ts';

test('schemas/run.schema.json carries the config section the option table generates (run `npm run schema`)', () => {
  const checkedIn = readFileSync(new URL('../../schemas/run.schema.json', import.meta.url), 'utf8');
  assert.equal(
    checkedIn,
    withGeneratedConfig(checkedIn),
    'schemas/run.schema.json is out of date: run `npm run schema` and commit it',
  );
});
