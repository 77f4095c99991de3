import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCodeRunner, DEFAULT_CODE_LIMITS } from './code-runner.ts';
import { hasPython } from './python.ts';

const signal = new AbortController().signal;

test('JavaScript code runs main(inputs) and returns its object', async () => {
  const runner = createCodeRunner({ ...DEFAULT_CODE_LIMITS, workers: 1 });
  try {
    const out = await runner.javascript(
      'function main({a, b}) { return { sum: a + b } }',
      { a: 2, b: 3 },
      signal,
    );
    assert.deepEqual(out, { sum: 5 });
  } finally {
    await runner.close();
  }
});

test('hostile code: no process, require or Function constructor; a loop is cut at the time limit; the runner goes on', async () => {
  const runner = createCodeRunner({ ...DEFAULT_CODE_LIMITS, workers: 1, timeoutMs: 300 });
  try {
    const seen = await runner.javascript(
      'function main() { return { process: typeof process, require: typeof require, fetch: typeof fetch } }',
      {},
      signal,
    );
    assert.deepEqual(seen, { process: 'undefined', require: 'undefined', fetch: 'undefined' });
    await assert.rejects(
      runner.javascript(
        "function main() { return this.constructor.constructor('return process')() }",
        {},
        signal,
      ),
      /code failed: .*(Code generation|EvalError|not allowed)/i,
    );
    await assert.rejects(
      runner.javascript('function main() { while (true) {} }', {}, signal),
      /time limit|timed out/,
    );
    assert.deepEqual(await runner.javascript('function main() { return { ok: 1 } }', {}, signal), { ok: 1 });
  } finally {
    await runner.close();
  }
});

test('a heap bomb ends at the memory limit, not in this process', async () => {
  const runner = createCodeRunner({ ...DEFAULT_CODE_LIMITS, workers: 1, memoryMb: 16, timeoutMs: 20_000 });
  try {
    await assert.rejects(
      runner.javascript(
        'function main() { const a = []; for (;;) a.push(new Array(100000).fill(a.length)); }',
        {},
        signal,
      ),
      /memory limit|code failed/,
    );
    assert.deepEqual(await runner.javascript('function main() { return { alive: true } }', {}, signal), {
      alive: true,
    });
  } finally {
    await runner.close();
  }
});

test('Python (operator-enabled): main(**inputs), an empty environment, cut at the time limit', {
  skip: !hasPython() && 'no python3 here',
}, async () => {
  const runner = createCodeRunner({ ...DEFAULT_CODE_LIMITS, timeoutMs: 1500 });
  try {
    process.env.STREAMLOAD_TEST_SECRET = 'not for code nodes';
    assert.deepEqual(
      await runner.python(
        'import os\ndef main(a: int) -> dict:\n    return {"b": a * 2, "secret": "STREAMLOAD_TEST_SECRET" in os.environ}',
        { a: 21 },
        signal,
      ),
      { b: 42, secret: false },
    );
    await assert.rejects(runner.python('def main():\n    while True: pass', {}, signal), /time limit/);
  } finally {
    await runner.close();
  }
});
