/**
 * `--max-connections N` end to end: the real CLI against the mock LLM opens at most N TCP
 * connections (run.json's own count of the sockets undici opened), and streams over them one at a
 * time (HTTP/1.1), so at most N are ever active; every request still completes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type MockLlm, startMockLlm } from '../../src/targets/mock-llm/server.ts';
import { runCli, tempDir } from './helpers.ts';

let llm: MockLlm;
before(async () => {
  llm = await startMockLlm({ port: 0, firstTokenMs: 5, interTokenMs: 1, tokens: [5, 5] });
});
after(async () => {
  await llm.close();
});

const run = (...extra: string[]) =>
  runCli([
    'run',
    ...['--target', llm.url, '--protocol', 'openai', '--users', '4', '--spawn-rate', '100'],
    ...['--iterations', '12', '--format', 'json', '--out', tempDir(), '--json-summary', ...extra],
  ]);

test('--max-connections 1: one TCP connection, one stream at a time, every request done', async () => {
  const capped = await run('--max-connections', '1');
  assert.equal(capped.code, 0, capped.stderr);
  const s = capped.summary!;
  assert.equal(s.totals.requests, 12);
  assert.equal(s.totals.failures, 0);
  assert.equal(s.connections.tcp, 1);
  assert.equal(s.connections.maxConcurrent, 1);
  assert.equal(s.config.maxConnections, 1);

  const free = await run();
  assert.equal(free.code, 0, free.stderr);
  assert.ok((free.summary!.connections.tcp ?? 0) > 1, 'without the cap each user has its own connection');
  assert.equal(free.summary!.config.maxConnections, null);
});

test('--max-connections 0 is exit 2 naming the flag, before any load', async () => {
  const bad = await run('--max-connections', '0');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--max-connections: expected an integer ≥ 1/);
});
