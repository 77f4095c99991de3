import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration } from '../config/units.ts';
import { resolveRunConfig } from '../run-config/resolve.ts';
import { formFields, formValues } from './form.ts';

test("the form's defaults are the CLI's (run time 30 s, not a form-only 60 s)", () => {
  const cli = resolveRunConfig({ flags: {}, env: {}, cwd: process.cwd() });
  const values = formValues({});
  assert.equal(values.runTime, formatDuration(cli.runTime ?? 0));
  assert.equal(values.runTime, '30s');
  assert.equal(values.users, String(cli.users));
  assert.equal(values.scenario, cli.scenario);
  // Computed from other fields at start: blank unless the command line gave them.
  assert.equal(values.protocol, '');
  assert.equal(values.spawnRate, '');
  assert.equal(values.target, '');
  assert.equal(values.apiKey, '', 'a secret is never sent to the page');
});

test('the command line fills the form; secrets stay out of it', () => {
  const values = formValues({
    runTime: 5000,
    users: 3,
    protocol: 'chat',
    apiKey: 'app-secret',
    spawnRate: 1.5,
  });
  assert.deepEqual(
    [values.runTime, values.users, values.protocol, values.spawnRate, values.apiKey],
    ['5s', '3', 'chat', '1.5', ''],
  );
});

test('fields: names, labels and inputs from the option table', () => {
  const fields = formFields(formValues({}), { scenario: ['stream', 'llm'], userClass: ['reader', 'writer'] });
  assert.deepEqual(
    fields.map((f) => [f.name, f.input]),
    [
      ['target', 'text'],
      ['protocol', 'select'],
      ['apiKey', 'password'],
      ['scenario', 'text'],
      ['userClass', 'text'],
      ['users', 'number'],
      ['spawnRate', 'number'],
      ['runTime', 'text'],
      ['monitor', 'text'],
    ],
  );
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
  assert.deepEqual(
    byName.protocol?.choices.map((c) => c.value),
    ['', 'workflow', 'chat', 'openai', 'openai-responses', 'anthropic', 'sse'],
  );
  assert.equal(byName.runTime?.label, 'run time');
  assert.equal(byName.runTime?.default, '30s');
  assert.deepEqual(
    byName.scenario?.choices.map((c) => c.value),
    ['stream', 'llm'],
  );
  // The classes of the scenario files named on the command line (web/controller.ts reads them).
  assert.deepEqual(
    byName.userClass?.choices.map((c) => c.value),
    ['reader', 'writer'],
  );
  assert.equal(byName.users?.step, '1');
  assert.match(byName.runTime?.help ?? '', /default: 30s/);
});
