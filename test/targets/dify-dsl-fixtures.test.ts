/**
 * Real Dify DSL files (test/fixtures/dify-dsl/: Dify's own test fixtures and app templates) load
 * in `serve workflow` and take a 3-request `streamload run` each, exit 0: the server runs what
 * real apps use (branches, templates, code, iterations, loops, assigners, retrieval, HTTP, …).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type App, startVariables } from '../../src/targets/workflow-server/app.ts';
import { DslError, readDslFile } from '../../src/targets/workflow-server/dsl.ts';
import { MAIN, runCli, tempDir } from '../cli/helpers.ts';

const DIR = fileURLToPath(new URL('../fixtures/dify-dsl/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.yml'))
  .sort();

/** The files the server refuses, and why (each is listed in the fixture README). */
const REFUSED: Readonly<Record<string, RegExp>> = {
  'minimal_not_an_app.yml': /not a Dify app export: no app: section/,
};

/** Inputs a user would give: text, the first option, a number; a URL input gets a public URL (mocked). */
function inputsFor(app: App): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const v of startVariables(app)) {
    if (v.type === 'number') inputs[v.variable] = 1;
    else if (v.type === 'select') inputs[v.variable] = v.options[0] ?? 'a';
    else if (v.variable === 'url') inputs[v.variable] = 'http://example.com/';
    else if (v.type === 'file' || v.type === 'file-list') continue;
    else inputs[v.variable] = 'hello';
  }
  return inputs;
}

function startServe(
  args: readonly string[],
): Promise<{ child: ChildProcess; url: string; out: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'serve', 'workflow', '--port', '0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve workflow did not start:\n${out}`)), 60_000);
    const read = (d: Buffer) => {
      out += String(d);
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({ child, url, out: () => out });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve workflow exited (${code}):\n${out}`));
    });
  });
}

describe('Dify DSL fixtures in serve workflow', () => {
  // As a user starts it: no --python, so Python code nodes give typed placeholders (one warning).
  const loaded = new Map<string, App>();
  const refused = new Map<string, string>();
  for (const file of FILES) {
    try {
      loaded.set(file, readDslFile(join(DIR, file)).app);
    } catch (error) {
      if (!(error instanceof DslError)) throw error;
      refused.set(file, error.message);
    }
  }
  let serve: Awaited<ReturnType<typeof startServe>>;

  before(async () => {
    const keys = [...loaded.keys()].flatMap((file, i) => ['--app', `app-dsl-${i}=${join(DIR, file)}`]);
    // A quick mock LLM: the test is about the graphs, not model latency.
    serve = await startServe([...keys, '--first-token-ms', '5', '--inter-token-ms', '1', '--tokens', '5']);
  });
  after(() => {
    serve?.child.kill('SIGTERM');
  });

  test('every file loads except the known refusals, each refused with file:line and why', () => {
    for (const [file, message] of refused) {
      const expected = REFUSED[file];
      assert.ok(expected !== undefined, `${file} was refused: ${message}`);
      assert.match(message, new RegExp(`${file.replaceAll('.', '\\.')}:\\d+: `));
      assert.match(message, expected);
    }
    assert.deepEqual([...refused.keys()].sort(), Object.keys(REFUSED).sort());
    assert.ok(loaded.size >= FILES.length - Object.keys(REFUSED).length);
  });

  test('the server warns once per placeholder kind, not once per file', () => {
    const lines = serve
      .out()
      .split('\n')
      .filter((l) => l.startsWith('warning: '));
    assert.equal(new Set(lines).size, lines.length, lines.join('\n'));
    for (const kind of [/tool nodes run with empty outputs/, /Python code nodes give typed placeholders/])
      assert.equal(lines.filter((l) => kind.test(l)).length, 1, lines.join('\n'));
  });

  test('each app takes streamload run --iterations 3 with exit 0', async () => {
    const entries = [...loaded.entries()].map(([file, app], i) => ({ file, app, key: `app-dsl-${i}` }));
    const failures: string[] = [];
    // A few CLI runs at a time: each is a short child process.
    const queue = [...entries];
    const worker = async () => {
      for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
        const { file, app, key } = entry;
        const protocol = app.mode === 'workflow' ? [] : ['--protocol', 'chat'];
        const path = app.mode === 'completion' ? ['--path', '/v1/completion-messages'] : [];
        const r = await runCli(
          [
            'run',
            '--target',
            serve.url,
            '--api-key',
            key,
            ...protocol,
            ...path,
            '--inputs',
            JSON.stringify(inputsFor(app)),
            '--iterations',
            '3',
            '--users',
            '1',
            '--out',
            tempDir(),
            '--format',
            'json',
            '--json-summary',
          ],
          { timeoutMs: 120_000 },
        );
        if (r.code !== 0 || r.summary?.totals?.requests !== 3 || r.summary?.totals?.failures !== 0)
          failures.push(`${file} (${app.mode}): exit ${r.code}\n${r.stderr.slice(-600)}`);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    assert.deepEqual(failures, []);
  });
});

test('serve workflow --python without a python3 on PATH stops before serving, naming the flag', () => {
  const r = spawnSync(process.execPath, [MAIN, 'serve', 'workflow', '--port', '0', '--python'], {
    encoding: 'utf8',
    timeout: 30_000,
    env: { ...process.env, PATH: '/nonexistent' },
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--python: no python3 found on PATH/);
});
