import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scenarioProblems } from './validate.ts';

const scenario = (wait: unknown) => ({ users: [{ name: 'u', wait, tasks: [{ run: async () => {} }] }] });

test("a scenario's wait goes through the --wait parser: a bad one is a problem, not 0 ms", () => {
  assert.deepEqual(scenarioProblems(scenario('500ms-2s')), []);
  assert.deepEqual(scenarioProblems(scenario([0, 100])), []);
  const problems = scenarioProblems(scenario('soon'));
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? '', /users\[0\]\.wait: expected a wait like 1s or 500ms-2s, got "soon"/);
});
