// biome-ignore-all lint/suspicious/noExplicitAny: assertions read the loosely typed JSON summary.
/**
 * `streamload setup` end to end: the reference workflow server with its console API on, a second
 * mock LLM that the console's model provider is pointed at, the real CLI for setup and run.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import type { WorkflowServer } from '../../src/targets/workflow-server/server.ts';
import { runCli, startWorkflowTarget, tempDir, type WorkflowTarget } from './helpers.ts';

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
      /^✔ logged in as admin@example\.com \(cookie session with CSRF token\)$/m,
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
