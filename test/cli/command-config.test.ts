/**
 * Each command's own options work from a `--config` file through the real CLI (the run options'
 * own test is src/cli/options-table.test.ts): worker, master, setup, web, find-limit, serve llm,
 * serve workflow and compare.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { closeServer, listenLocal, runCli, tempDir, withMockLlm } from './helpers.ts';

let dir = '';
before(() => {
  dir = tempDir();
});
after(() => rmSync(dir, { recursive: true, force: true }));

function configFile(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  const origin = await listenLocal(server);
  await closeServer(server);
  return Number(new URL(origin).port);
}

test('worker: master host, port and connect timeout (a duration) from the file', async () => {
  const port = await closedPort();
  const file = configFile('worker.yml', [
    'masterHost: 127.0.0.1',
    `master-port: ${port}`,
    'connectTimeout: 1s',
  ]);
  const began = performance.now();
  const r = await runCli(['worker', '--config', file], { timeoutMs: 60_000 });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
  assert.ok(performance.now() - began < 30_000, 'gave up after the connect timeout, not the 60 s default');
});

test('master: expected workers, port and join timeout from the file, beside run options', async () => {
  await withMockLlm({ port: 0 }, async (llm) => {
    const file = configFile('master.yml', [
      `target: ${llm.url}`,
      'protocol: openai',
      'runTime: 5s',
      `out: ${JSON.stringify(join(dir, 'master-out'))}`,
      'expectWorkers: 1',
      'masterPort: 0',
      'join-timeout: 2s',
    ]);
    const r = await runCli(['master', '--config', file], { timeoutMs: 60_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /waited 2 s for 1 worker\(s\); 0 joined/);
  });
});

test('find-limit: its own bounds from the file, checked against the run options', async () => {
  const file = configFile('find-limit.yml', ['users: 4', 'maxUsers: 2']);
  const r = await runCli(['find-limit', '--config', file], { timeoutMs: 60_000 });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--max-users: 2 is below the first step \(--users 4\)/);
});

test("setup: the console, the admin and the proxy setting from the file (shared with run's keys)", async () => {
  const port = await closedPort();
  const file = configFile('setup.yml', [
    'protocol: workflow',
    `console: http://127.0.0.1:${port}`,
    'email: admin@example.com',
    'password: from-the-file',
    'proxy: false',
  ]);
  const r = await runCli(['setup', '--config', file, '--save', join(dir, 'saved.yml')], {
    timeoutMs: 60_000,
    env: { HTTP_PROXY: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9' },
  });
  assert.equal(r.code, 2, r.stderr);
  // Straight to the console the file names (proxy: false), not through HTTP_PROXY, and no prompt.
  assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
  assert.doesNotMatch(r.stderr, /127\.0\.0\.1:9\b/);
});

/**
 * Runs a serving command until its stdout shows `ready` (a URL), hands the URL to `check`, then
 * stops it with SIGINT; the exit and what `check` returned.
 */
async function whileServing<T>(
  args: string[],
  ready: RegExp,
  check: (url: string) => Promise<T>,
  env: Record<string, string> = {},
): Promise<{ code: number | null; stderr: string; url: string; seen: T | undefined }> {
  let url = '';
  let seen: T | undefined;
  const r = await runCli(args, {
    timeoutMs: 60_000,
    env,
    onSpawn: (child) => {
      let out = '';
      child.stdout?.on('data', async (d: Buffer) => {
        out += String(d);
        const match = ready.exec(out);
        if (match === null || url !== '') return;
        url = match[1]!;
        try {
          seen = await check(url);
        } finally {
          child.kill('SIGINT');
        }
      });
    },
  });
  return { code: r.code, stderr: r.stderr, url, seen };
}

test('web: bind port and token from the file', async () => {
  const file = configFile('web.yml', ['webPort: 0', 'webToken: from-the-file']);
  const r = await whileServing(
    ['web', '--config', file],
    /web UI: (http:\/\/127\.0\.0\.1:\d+)\//,
    async (url) => {
      const [refused, allowed] = await Promise.all([
        fetch(`${url}/api/view`),
        fetch(`${url}/api/view`, { headers: { authorization: 'Bearer from-the-file' } }),
      ]);
      return [refused.status, allowed.status];
    },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.notEqual(r.url, '');
  assert.deepEqual(r.seen, [401, 200], 'the token from the file guards the UI');
  assert.ok(!r.url.endsWith(':8089'), r.url);
});

const models = (url: string, key: string) =>
  fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${key}` } }).then((res) => res.status);

test("serve llm: port, key and faults from the file; the client's STREAMLOAD_API_KEY is not the mock's", async () => {
  const file = configFile('serve-llm.yml', [
    'port: 0',
    'api-key: from-the-file',
    'fail-429: 0%',
    'tokens: 2-4',
  ]);
  const r = await whileServing(
    ['serve', 'llm', '--config', file],
    /mock LLM listening on (http:\/\/\S+)/,
    async (url) => [await models(url, 'from-the-file'), await models(url, 'the-clients-key')],
    { STREAMLOAD_API_KEY: 'the-clients-key', STREAMLOAD_SEED: 'not-a-seed' },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.url.endsWith(':5004'), r.url);
  assert.deepEqual(r.seen, [200, 401], 'the key from the file, not the env of the client');
  // The mock's own variable does apply.
  const fromEnv = await whileServing(
    ['serve', 'llm', '--port', '0'],
    /mock LLM listening on (http:\/\/\S+)/,
    async (url) => models(url, 'wrong'),
    { STREAMLOAD_MOCK_API_KEY: 'mock-key' },
  );
  assert.equal(fromEnv.seen, 401, fromEnv.stderr);
});

test("run's embedded targets (a child over IPC) read no STREAMLOAD_* env of the user's", async () => {
  const r = await runCli(
    ['run', '--users', '1', '--run-time', '2s', '--out', join(dir, 'embedded'), '--json-summary'],
    {
      timeoutMs: 120_000,
      env: { STREAMLOAD_LLM_URL: 'http://127.0.0.1:9', STREAMLOAD_TOKENS: '0', STREAMLOAD_HOST: '0.0.0.0' },
    },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.ok((r.summary?.totals?.requests ?? 0) > 0, r.stdout);
});

test('serve workflow: port, console and the embedded mock from the file; a bad value names file:line', async () => {
  const file = configFile('serve-workflow.yml', [
    'port: 0',
    'consolePassword: from-the-file',
    'pingInterval: 1s',
    'first-token-ms: 5',
  ]);
  const r = await whileServing(
    ['serve', 'workflow', '--config', file],
    /console API on (http:\/\/\S+)\/console\/api/,
    async (url) => (await fetch(`${url}/console/api/setup`)).status,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.url.endsWith(':5001'), r.url);
  assert.equal(r.seen, 200);
  const bad = configFile('serve-workflow-bad.yml', ['port: 0', 'tokens: 0-3']);
  const refused = await runCli(['serve', 'workflow', '--config', bad], { timeoutMs: 60_000 });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr.trim(), /^streamload: .*serve-workflow-bad\.yml:2: tokens: expected N or A-B/);
});

test("compare: candidates, format, tolerance and seed from the file; run's STREAMLOAD_FORMAT is not compare's", async () => {
  const out = join(dir, 'compare-run');
  await withMockLlm({ port: 0, firstTokenMs: 5, interTokenMs: 1 }, async (llm) => {
    const r = await runCli(
      ['run', '--target', llm.url, '--protocol', 'openai', '--users', '2', '--run-time', '3s', '--out', out],
      { timeoutMs: 120_000 },
    );
    assert.equal(r.code, 0, r.stderr);
  });
  const file = configFile('compare.yml', [
    `vs: [${JSON.stringify(out)}]`,
    'format: json',
    'tolerance: 5%,ttft.p95=10%',
    'seed: 7',
  ]);
  const r = await runCli(['compare', out, '--config', file], {
    timeoutMs: 120_000,
    env: { STREAMLOAD_FORMAT: 'html,csv' },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { regressed: string[] }).regressed, []);
  const bad = configFile('compare-bad.yml', ['format: json', 'tolerance: fast']);
  const refused = await runCli(['compare', out, out, '--config', bad], { timeoutMs: 60_000 });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /compare-bad\.yml:2: tolerance: expected 5% or metric=10%/);
});
