/**
 * Each command's own options work from a `--config` file through the real CLI (the run options'
 * own test is src/cli/options-table.test.ts): worker, master, web and find-limit.
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

test('web: bind port and token from the file', async () => {
  const file = configFile('web.yml', ['webPort: 0', 'webToken: from-the-file']);
  let url = '';
  let statuses: number[] = [];
  const r = await runCli(['web', '--config', file], {
    timeoutMs: 60_000,
    onSpawn: (child) => {
      let out = '';
      child.stdout?.on('data', async (d: Buffer) => {
        out += String(d);
        const match = /web UI: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
        if (match === null || url !== '') return;
        url = match[1]!;
        const [refused, allowed] = await Promise.all([
          fetch(`${url}/api/view`),
          fetch(`${url}/api/view`, { headers: { authorization: 'Bearer from-the-file' } }),
        ]);
        statuses = [refused.status, allowed.status];
        child.kill('SIGINT');
      });
    },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.notEqual(url, '');
  assert.deepEqual(statuses, [401, 200], 'the token from the file guards the UI');
  assert.ok(!url.endsWith(':8089'), url);
});
