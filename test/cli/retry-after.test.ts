// A server's Retry-After is read by one RFC 9110 parser: an invalid value (`-5`) is ignored and the
// backoff applies — it was read as "retry now" (3,761 requests in 3 s) — and one past the backoff
// cap is capped with one warning. The server is our own: it answers the preflight, then 429s.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { closeServer, listenLocal, readRun, runCli, tempDir } from './helpers.ts';

async function with429(retryAfter: string, args: readonly string[]) {
  let requests = 0;
  const server = createServer((_req, res) => {
    if (++requests === 1) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: ok\n\n');
      return;
    }
    res.writeHead(429, { 'retry-after': retryAfter, 'content-type': 'text/plain' });
    res.end('slow down');
  });
  const origin = await listenLocal(server);
  const out = tempDir();
  try {
    const r = await runCli(
      [
        'run',
        '--target',
        origin,
        '--protocol',
        'sse',
        '--path',
        '/e',
        '--out',
        out,
        '--json-summary',
        ...args,
      ],
      { timeoutMs: 60_000 },
    );
    return { r, requests: requests - 1, run: readRun(out) };
  } finally {
    server.closeAllConnections();
    await closeServer(server);
  }
}

test('Retry-After: -5 is ignored: the backoff paces the retries', { timeout: 90_000 }, async (t) => {
  const { r, requests } = await with429('-5', [
    '--users',
    '2',
    '--run-time',
    '3s',
    '--retry',
    '3',
    '--backoff',
    '500ms..5s',
  ]);
  assert.equal(r.code, 1, r.stderr);
  t.diagnostic(`${requests} requests in 3 s`);
  // 2 users, 4 attempts per operation with 0–0.5, 0–1, 0–2 s between them: a few dozen at most.
  assert.ok(requests <= 80, `${requests} requests in 3 s`);
});

test('a Retry-After past the backoff cap is capped, with one warning', { timeout: 90_000 }, async () => {
  const { run } = await with429('120', [
    '--users',
    '2',
    '--run-time',
    '3s',
    '--retry',
    '2',
    '--backoff',
    '100ms..300ms',
  ]);
  const said = run.warnings.filter((w) => w.includes('Retry-After'));
  assert.deepEqual(said, [
    "the server asked to wait up to 120s (Retry-After), past the backoff cap of 300ms: retries waited 300ms (raise --backoff's MAX to honour it)",
  ]);
  assert.ok(run.totals.requests >= 6, `retries went on at the cap: ${run.totals.requests}`);
});
