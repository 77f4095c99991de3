// biome-ignore-all lint/suspicious/noExplicitAny: assertions read the loosely typed JSON summary.
/**
 * `streamload setup` end to end: the reference workflow server with its console API on, a second
 * mock LLM that the console's model provider is pointed at, the real CLI for setup and run.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { getGlobalDispatcher } from 'undici';
import { createConsoleClient } from '../../src/setup/console-client.ts';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import type { WorkflowServer } from '../../src/targets/workflow-server/server.ts';
import {
  closeServer,
  listenLocal,
  runCli,
  startWorkflowTarget,
  tempDir,
  type WorkflowTarget,
} from './helpers.ts';

const PASSWORD = 'Load-Test-9';
const CHATFLOW = fileURLToPath(new URL('../fixtures/chatflow.yml', import.meta.url));

/** Start → LLM → End, written for this test; its model is outside the mock LLM's listed set. */
const WORKFLOW_DSL = `app: {mode: workflow, name: setup_llm, description: written for the setup test}
kind: app
version: 0.4.0
dependencies:
- type: marketplace
  value: {marketplace_plugin_unique_identifier: 'langgenius/openai:0.2.5@0123abcd'}
workflow:
  graph:
    edges:
    - {id: s-l, source: '1', sourceHandle: source, target: '2', targetHandle: target, type: custom}
    - {id: l-e, source: '2', sourceHandle: source, target: '3', targetHandle: target, type: custom}
    nodes:
    - id: '1'
      data: {type: start, title: Start, variables: [{variable: question, label: question, type: text-input, required: true, max_length: null, options: []}]}
    - id: '2'
      data:
        type: llm
        title: Think
        model: {provider: langgenius/openai/openai, name: deepseek-chat, mode: chat, completion_params: {temperature: 0.7}}
        prompt_template:
        - {role: user, text: '{{#1.question#}}'}
    - id: '3'
      data: {type: end, title: End, outputs: [{variable: answer, value_selector: ['2', text]}]}
`;

const BAD_DSL = `app: {mode: workflow, name: has_code}
kind: app
version: 0.4.0
workflow:
  graph:
    edges:
    - {id: s-c, source: '1', target: '2'}
    nodes:
    - id: '1'
      data: {type: start, title: Start, variables: []}
    - id: '2'
      data: {type: quantum-oracle, title: Code}
`;

describe('streamload setup against the reference console', () => {
  let target: WorkflowTarget;
  let providerLlm: MockLlm;
  let server: WorkflowServer;
  let dir: string;
  before(async () => {
    target = await startWorkflowTarget(
      { firstTokenMs: 2, interTokenMs: 1, tokens: [3, 3] },
      { console: { password: PASSWORD } },
    );
    server = target.server;
    providerLlm = await startMockLlm({ port: 0, firstTokenMs: 2, interTokenMs: 1, tokens: [4, 4] });
    dir = tempDir();
    writeFileSync(join(dir, 'llm.yml'), WORKFLOW_DSL);
    writeFileSync(join(dir, 'bad.yml'), BAD_DSL);
  });
  after(async () => {
    await target.close();
    await providerLlm.close();
  });

  const setup = (...args: string[]) =>
    runCli(['setup', '--console', server.url, '--email', 'admin@example.com', ...args], {
      cwd: dir,
      timeoutMs: 60_000,
      env: { STREAMLOAD_DIFY_PASSWORD: PASSWORD },
    });

  test('setup from a fresh console, then `streamload run` with no target flags streams the app', async () => {
    const first = await setup('--init-admin', 'Admin', '--dsl', 'llm.yml', '--llm-base-url', providerLlm.url);
    assert.equal(first.code, 0, first.stderr);
    for (const line of [
      /^✔ admin account created: admin@example\.com \(Admin\)$/m,
      /^✔ logged in as admin@example\.com \(cookie session with CSRF token, password sent base64-encoded\)$/m,
      /^✔ model provider langgenius\/openai\/openai → http:\/\/127\.0\.0\.1:\d+$/m,
      /^✔ imported setup_llm \(app [0-9a-f]{8}…, workflow, dsl 0\.4\.0\)$/m,
      /^✔ published setup_llm$/m,
      /^✔ created an API key for setup_llm/m,
      /^✔ key of setup_llm works \(GET \/v1\/parameters → 200\)$/m,
      /^✔ saved streamload\.yml/m,
    ])
      assert.match(first.stdout, line);
    const file = join(dir, 'streamload.yml');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const saved = readFileSync(file, 'utf8');
    const key = /^apiKey: (app-\S+)$/m.exec(saved)?.[1] as string;
    assert.ok(key, saved);
    assert.match(saved, /^protocol: workflow$/m);
    assert.ok(
      !first.stdout.includes(key) && !first.stdout.includes(PASSWORD),
      'neither key nor password printed',
    );

    const run = await runCli(
      ['run', '--run-time', '2s', '--users', '2', '--json-summary', '--out', join(dir, 'out')],
      {
        cwd: dir,
        timeoutMs: 90_000,
      },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /config: \.\/streamload\.yml/);
    const summary = run.summary as Record<string, any>;
    assert.ok(summary.totals.requests > 0);
    assert.equal(summary.totals.failures, 0);
    assert.ok(summary.totals.tokens > 0);
    assert.equal(summary.latency['node_duration.Think'].count, summary.totals.requests);
    // The LLM node called the server that --llm-base-url configured, under a model it does not list.
    assert.ok(providerLlm.stats().streams >= summary.totals.requests);

    const again = await setup('--init-admin', 'Admin', '--dsl', 'llm.yml', '--llm-base-url', providerLlm.url);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^✔ admin account already set up/m);
    assert.match(again.stdout, /^✔ setup_llm already imported/m);
    assert.match(again.stdout, /^✔ API key of setup_llm kept/m);
    assert.match(again.stdout, /^nothing changed: everything was already set up/m);
    assert.doesNotMatch(again.stdout, /created|imported setup_llm \(/);
    assert.equal(readFileSync(file, 'utf8'), saved, 'the saved file is untouched');

    const check = await runCli(['setup', '--check'], { cwd: dir, timeoutMs: 30_000 });
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, /streamload\.yml is valid/);
  });

  test('a wrong password exits 2 with one line', async () => {
    const r = await runCli(
      [
        'setup',
        '--console',
        server.url,
        '--email',
        'admin@example.com',
        '--password',
        'nope',
        '--dsl',
        'llm.yml',
      ],
      {
        cwd: dir,
        timeoutMs: 30_000,
      },
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^streamload: login failed: 401 .*wrong --email or --password\?\)\n$/);
  });

  test('a DSL with a node the server cannot run exits 2 naming it', async () => {
    const r = await setup('--dsl', 'bad.yml', '--save', 'bad-setup.yml');
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^streamload: import failed \(bad\.yml\): line 12: node type "quantum-oracle" is not supported/,
    );
  });

  test('a chatflow imported through setup runs with the chat protocol', async () => {
    const r = await setup('--dsl', CHATFLOW, '--save', 'chat.yml');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^✔ imported chatflow_test \(app [0-9a-f]{8}…, advanced-chat, dsl 0\.4\.0\)$/m);
    assert.match(readFileSync(join(dir, 'chat.yml'), 'utf8'), /^protocol: chat$/m);
    const run = await runCli(
      [
        'run',
        '--config',
        'chat.yml',
        '--iterations',
        '4',
        '--users',
        '2',
        '--json-summary',
        '--out',
        join(dir, 'out-chat'),
      ],
      { cwd: dir, timeoutMs: 90_000 },
    );
    assert.equal(run.code, 0, run.stderr);
    const summary = run.summary as Record<string, any>;
    assert.equal(summary.config.protocol, 'chat');
    assert.equal(summary.totals.requests, 4);
    assert.equal(summary.totals.failures, 0);
    assert.equal(summary.latency['node_duration.LLM'].count, 4);
    assert.equal(summary.latency['node_duration.Answer'].count, 4);
  });

  test('plugins a DSL needs are named before import; pending imports need --yes; a changed DSL is re-imported; --reuse-key', async () => {
    const needsPlugin = WORKFLOW_DSL.replace(
      'langgenius/openai:0.2.5@0123abcd',
      'langgenius/anthropic:0.1.0@beef',
    );
    writeFileSync(join(dir, 'dep.yml'), needsPlugin);
    const missing = await setup('--dsl', 'dep.yml', '--save', 'dep-setup.yml');
    assert.equal(missing.code, 2);
    assert.match(
      missing.stderr,
      /^streamload: dep\.yml needs plugins this Dify lacks: langgenius\/anthropic \(add --install-plugin langgenius\/anthropic:0\.1\.0@beef\)\n$/,
    );
    const installed = await setup(
      '--install-plugin',
      'langgenius/anthropic:0.1.0@beef',
      '--dsl',
      'dep.yml',
      '--save',
      'dep-setup.yml',
    );
    assert.equal(installed.code, 0, installed.stderr);
    assert.match(installed.stdout, /^✔ plugin langgenius\/anthropic already installed$/m);
    assert.match(installed.stdout, /^✔ imported setup_llm/m);

    writeFileSync(join(dir, 'newer.yml'), WORKFLOW_DSL.replace('version: 0.4.0', 'version: 0.9.0'));
    const pending = await setup('--dsl', 'newer.yml', '--save', 'newer-setup.yml');
    assert.equal(pending.code, 2);
    assert.match(pending.stderr, /import of newer\.yml waits for a confirm: its DSL version 0\.9\.0 .*--yes/);
    const confirmed = await setup('--dsl', 'newer.yml', '--save', 'newer-setup.yml', '--yes');
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.match(confirmed.stdout, /^✔ imported setup_llm .*dsl 0\.9\.0/m);

    writeFileSync(
      join(dir, 'newer.yml'),
      WORKFLOW_DSL.replace('version: 0.4.0', 'version: 0.9.0').replace('written for', 'changed for'),
    );
    const changed = await setup('--dsl', 'newer.yml', '--save', 'newer-setup.yml', '--yes');
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /^✔ re-imported setup_llm over app [0-9a-f]{8}… \(newer\.yml changed\)$/m);
    assert.match(changed.stdout, /^✔ published setup_llm$/m);
    assert.match(changed.stdout, /^✔ API key of setup_llm kept/m);

    // A key the file does not know (lost, or made by hand): --reuse-key takes the app's existing one.
    const file = join(dir, 'newer-setup.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll(/app-[0-9a-f]+/g, 'app-forgotten'));
    const reused = await setup('--dsl', 'newer.yml', '--save', 'newer-setup.yml', '--reuse-key');
    assert.equal(reused.code, 0, reused.stderr);
    assert.match(reused.stdout, /^✔ reusing an existing API key of setup_llm/m);
    assert.doesNotMatch(readFileSync(file, 'utf8'), /app-forgotten/);
  });
});

/**
 * A pass-through proxy in front of the console that answers 500 instead of forwarding the requests
 * `fail` picks: a console that breaks between two steps.
 */
async function faultyProxy(upstream: string, fail: (method: string, path: string) => boolean) {
  const target = new URL(upstream);
  const server = createServer((req, res) => {
    if (fail(req.method ?? '', req.url ?? '')) {
      req.resume();
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"code": "internal_server_error", "message": "injected by the test", "status": 500}\n');
      return;
    }
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  return { url: await listenLocal(server), close: () => closeServer(server) };
}

/** The apps the console holds, read through a session of our own (the console has no other door). */
async function consoleApps(url: string): Promise<{ id: string; name: string }[]> {
  const client = createConsoleClient(url, getGlobalDispatcher());
  const login = await client.login('admin@example.com', PASSWORD);
  assert.ok(login.ok, 'test login');
  const listed = await client.call('GET', '/apps');
  assert.equal(listed.status, 200);
  return listed.body?.data;
}

for (const mode of ['dify-1.13', 'older'] as const) {
  describe(`setup against the reference console as ${mode === 'older' ? 'an older Dify (plain password, Bearer)' : 'Dify 1.13 (base64 password, CSRF on every call)'}`, () => {
    let target: WorkflowTarget;
    let dir: string;
    before(async () => {
      target = await startWorkflowTarget(
        { firstTokenMs: 2, interTokenMs: 1, tokens: [3, 3] },
        { console: { password: PASSWORD, legacyLogin: mode === 'older' } },
      );
      dir = tempDir();
      writeFileSync(join(dir, 'llm.yml'), WORKFLOW_DSL.replace(/dependencies:\n.*\n.*\n/, ''));
    });
    after(() => target.close());

    const setupVia = (console: string, ...args: string[]) =>
      runCli(
        [
          'setup',
          '--console',
          console,
          '--target',
          target.server.url,
          '--email',
          'admin@example.com',
          ...args,
        ],
        {
          cwd: dir,
          timeoutMs: 60_000,
          env: { STREAMLOAD_DIFY_PASSWORD: PASSWORD },
        },
      );

    test('a failure between publish and key creation, then a re-run that reuses the app; setup --check and run pass', async () => {
      const proxy = await faultyProxy(
        target.server.url,
        (method, path) => method === 'POST' && /^\/console\/api\/apps\/[^/]+\/api-keys$/.test(path),
      );
      let broken: Awaited<ReturnType<typeof setupVia>>;
      try {
        broken = await setupVia(proxy.url, '--init-admin', 'Admin', '--dsl', 'llm.yml');
      } finally {
        await proxy.close();
      }
      assert.equal(broken.code, 2, broken.stderr);
      assert.match(
        broken.stdout,
        mode === 'older'
          ? /^✔ logged in as admin@example\.com \(token session, plain password, an older Dify\)$/m
          : /^✔ logged in as admin@example\.com \(cookie session with CSRF token, password sent base64-encoded\)$/m,
      );
      assert.match(broken.stdout, /^✔ published setup_llm$/m);
      assert.match(
        broken.stderr,
        /^streamload: API key creation failed \(setup_llm\): 500 internal_server_error: injected by the test\n$/,
      );
      const partial = readFileSync(join(dir, 'streamload.yml'), 'utf8');
      assert.match(partial, /appId: [0-9a-f-]{36}/, 'the app is recorded before the key step');
      assert.doesNotMatch(partial, /apiKey/);

      const again = await setupVia(target.server.url, '--dsl', 'llm.yml');
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^✔ setup_llm already imported \(app [0-9a-f]{8}…, llm\.yml unchanged\)$/m);
      assert.match(again.stdout, /^✔ setup_llm already published$/m);
      assert.match(again.stdout, /^✔ created an API key for setup_llm/m);
      const apps = await consoleApps(target.server.url);
      assert.deepEqual(
        apps.map((a) => a.name),
        ['setup_llm'],
        'no second copy',
      );

      // A console that fails the check of the saved app: one line, and no second import.
      const flaky = await faultyProxy(
        target.server.url,
        (method, path) => method === 'GET' && /^\/console\/api\/apps\/[^/]+$/.test(path),
      );
      let refused: Awaited<ReturnType<typeof setupVia>>;
      try {
        refused = await setupVia(flaky.url, '--dsl', 'llm.yml');
      } finally {
        await flaky.close();
      }
      assert.equal(refused.code, 2);
      assert.match(
        refused.stderr,
        /^streamload: cannot check the saved app setup_llm \([0-9a-f]{8}…\): GET \/apps\/\{id\} → 500 internal_server_error: injected by the test\n$/,
      );
      assert.equal((await consoleApps(target.server.url)).length, 1, 'still one app');

      const check = await runCli(['setup', '--check'], { cwd: dir, timeoutMs: 30_000 });
      assert.equal(check.code, 0, check.stderr);
      assert.match(check.stdout, /streamload\.yml is valid: 1 app\(s\) answer/);
      const run = await runCli(
        ['run', '--iterations', '3', '--users', '1', '--json-summary', '--out', join(dir, 'out')],
        {
          cwd: dir,
          timeoutMs: 90_000,
        },
      );
      assert.equal(run.code, 0, run.stderr);
      assert.equal((run.summary as any).totals.requests, 3);
      assert.equal((run.summary as any).totals.failures, 0);
    });

    test('a wrong password: one line naming how it was sent, exit 2', async () => {
      const r = await runCli(
        [
          'setup',
          '--console',
          target.server.url,
          '--email',
          'admin@example.com',
          '--password',
          'nope-nope',
          '--dsl',
          'llm.yml',
          '--save',
          'x.yml',
        ],
        { cwd: dir, timeoutMs: 30_000 },
      );
      assert.equal(r.code, 2);
      assert.match(
        r.stderr,
        mode === 'older'
          ? /^streamload: login failed: 401 authentication_failed: Invalid email or password\. \(password sent base64-encoded as Dify ≥ 1\.11 wants, then plain as older Dify wants; wrong --email or --password\?\)\n$/
          : /^streamload: login failed: 401 authentication_failed: Invalid email or password\. \(password sent base64-encoded, as this Dify wants; wrong --email or --password\?\)\n$/,
      );
      assert.doesNotMatch(r.stderr, /turn that option off/);
    });
  });
}
