/**
 * Every run ends by run time + stop timeout + a few seconds, whatever scenario code does, and its
 * reports are written: tasks that settle without I/O, throw (even `undefined`) or never settle;
 * hooks that never settle; and scenario files of the wrong shape fail at load with exit 2.
 * Real CLI, a real server on 127.0.0.1; wall-time bounds are generous (the machine is shared).
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listenLocal, readRun, runCli, tempDir } from '../cli/helpers.ts';

let server: http.Server;
let origin = '';

before(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('data: {"a":1}\n\n');
  });
  origin = await listenLocal(server);
});

after(() => server.close());

/** Writes a scenario file (plain objects: defineScenario is optional) and returns its path. */
function scenarioFile(body: string): string {
  const file = join(tempDir(), 'scenario.ts');
  writeFileSync(file, body);
  return file;
}

async function timedRun(scenario: string, extra: readonly string[], limitMs: number) {
  const out = tempDir();
  const began = performance.now();
  const r = await runCli(
    ['run', '--target', origin, '--protocol', 'sse', '--scenario', scenario, '--out', out, ...extra],
    { timeoutMs: limitMs },
  );
  return { r, out, wallMs: performance.now() - began };
}

describe('scenario code cannot freeze the run', () => {
  const runTime = ['--users', '4', '--spawn-rate', '100', '--run-time', '2s', '--stop-timeout', '1s'];

  for (const [label, task] of [
    ['a task that settles without I/O', 'async () => {}'],
    ['a task that throws synchronously', '() => { throw new Error("boom"); }'],
    ['a task that throws undefined', 'async () => { throw undefined; }'],
  ] as const) {
    test(`${label}: ends on time, counted, reports written`, { timeout: 90_000 }, async () => {
      const file = scenarioFile(
        `export default { users: [{ name: 'u', tasks: [{ name: 't', run: ${task} }] }] };\n`,
      );
      const { r, out, wallMs } = await timedRun(file, runTime, 60_000);
      assert.notEqual(r.code, null, 'the CLI exited by itself');
      assert.ok(wallMs < 45_000, `ended after ${wallMs} ms`);
      assert.ok(existsSync(join(out, 'run.json')), r.stderr);
      const run = readRun(out);
      const warnings = run.warnings.join('\n');
      assert.match(warnings, /iterations settled at once without sending a request/);
      if (label !== 'a task that settles without I/O')
        assert.match(
          warnings,
          label.includes('undefined') ? /scenario code threw \d+×: t: undefined/ : /t: boom/,
        );
    });
  }

  test('a task and an onStart that never settle are abandoned at the end and counted as cancelled', {
    timeout: 90_000,
  }, async () => {
    const file = scenarioFile(
      `export default { users: [
  { name: 'stuck', weight: 1, tasks: [{ run: () => new Promise(() => {}) }] },
  { name: 'never-started', weight: 1, onStart: () => new Promise(() => {}), tasks: [{ run: async () => {} }] },
] };\n`,
    );
    const { r, out, wallMs } = await timedRun(file, runTime, 60_000);
    assert.notEqual(r.code, null, 'the CLI exited by itself');
    // run time 2 s + stop timeout 1 s + 1 s grace, plus start-up on a busy machine.
    assert.ok(wallMs < 45_000, `ended after ${wallMs} ms`);
    const run = readRun(out);
    assert.equal(run.totals.cancelled, 4, JSON.stringify(run.totals));
    assert.equal(run.totals.failures, 0);
    assert.match(run.warnings.join('\n'), /4 users' scenario code never settled/);
  });
});

for (const [label, task] of [
  ['a task asleep in ctx.sleep for ten minutes', 'async (ctx) => { await ctx.sleep(600_000); }'],
  [
    "scenario code's own timers",
    'async () => { setInterval(() => {}, 1000); await new Promise((r) => setTimeout(r, 600_000)); }',
  ],
] as const) {
  test(`${label}: the process does not stay alive after the reports`, { timeout: 90_000 }, async () => {
    const file = scenarioFile(`export default { users: [{ name: 'u', tasks: [{ run: ${task} }] }] };\n`);
    const { r, out, wallMs } = await timedRun(
      file,
      ['--users', '2', '--spawn-rate', '100', '--run-time', '2s', '--stop-timeout', '1s'],
      60_000,
    );
    assert.notEqual(r.code, null, 'the CLI exited by itself');
    assert.ok(wallMs < 45_000, `ended after ${wallMs} ms`);
    assert.equal(readRun(out).totals.cancelled, 2);
  });
}

describe('scenario exports are checked at load (exit 2, naming the file and the problem)', () => {
  for (const [label, body, expected] of [
    ['no user classes', 'export default { users: [] };', /`users` must list at least one user class/],
    [
      'a task that is not a function',
      "export default { users: [{ name: 'u', tasks: [{ run: 42 }] }] };",
      /users\[0\]\.tasks\[0\]\.run must be a function \(got number\)/,
    ],
    [
      'a user class without tasks',
      "export default { users: [{ name: 'u' }] };",
      /users\[0\]\.tasks must list at least one task/,
    ],
    [
      'a bare function as a task',
      "export default { users: [{ name: 'u', tasks: [async () => {}] }] };",
      /users\[0\]\.tasks\[0\] is a function/,
    ],
    [
      'a negative weight',
      "export default { users: [{ name: 'u', weight: -1, tasks: [{ run: async () => {} }] }] };",
      /users\[0\]\.weight must be a number ≥ 0/,
    ],
    ['an export that is not an object', 'export default 42;', /the export must be an object/],
    ['a module that throws undefined', 'throw undefined;', /cannot load .*: undefined/],
  ] as const) {
    test(label, { timeout: 60_000 }, async () => {
      const file = scenarioFile(`${body}\n`);
      const { r } = await timedRun(file, ['--iterations', '1'], 45_000);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(file), r.stderr);
      assert.match(r.stderr, expected);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  }
});
