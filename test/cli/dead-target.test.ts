// A target that dies mid-run must cost nothing: users back off after connection errors instead of
// re-sending in a tight loop, failures.csv tells refused connections from resets, and the run says
// when the target stopped answering and exits 1. The target is our own SSE server; once it is
// closed, a listener on the same port counts every connection attempt and resets it.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { closeServer, listenLocal, readRun, runCli, tempDir } from './helpers.ts';

/** `run` against our SSE server at `origin`, reports in `out`. */
function runSse(origin: string, out: string, extra: readonly string[]) {
  return runCli(
    [
      'run',
      '--target',
      origin,
      '--protocol',
      'sse',
      '--path',
      '/events',
      '--out',
      out,
      '--json-summary',
      ...extra,
    ],
    { timeoutMs: 60_000 },
  );
}

function sseServer(): { server: Server; requests: () => number } {
  let requests = 0;
  const server = createHttpServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('data: hello\n\n');
  });
  return { server, requests: () => requests };
}

test('a target killed mid-run: bounded connection attempts, refused and reset apart, exit 1 naming when', {
  timeout: 120_000,
}, async (t) => {
  const { server, requests } = sseServer();
  const origin = await listenLocal(server);
  const port = Number(new URL(origin).port);
  const out = tempDir();
  let attempts = 0;
  const resetter = createNetServer((socket: Socket) => {
    attempts++;
    socket.resetAndDestroy();
  });
  let killedAt = 0;
  const kill = async () => {
    // Dead: nothing listens for 1.5 s (refused), then something accepts and resets (reset).
    killedAt = performance.now();
    server.closeAllConnections();
    await closeServer(server);
    await new Promise((r) => setTimeout(r, 1500));
    resetter.listen(port, '127.0.0.1');
    await once(resetter, 'listening');
  };
  const watch = setInterval(() => {
    if (requests() > 0 && killedAt === 0) {
      killedAt = -1;
      setTimeout(() => void kill(), 2000);
    }
  }, 50);
  try {
    const r = await runSse(origin, out, ['--users', '5', '--run-time', '10s']);
    assert.ok(killedAt > 0, 'the target was killed mid-run');
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^streamload: target stopped answering at \d+ s: all \d+ requests after it failed to connect/m,
    );
    const run = readRun(out);
    const line = run.warnings.find((w) => w.startsWith('target stopped answering at'));
    assert.ok(line !== undefined, JSON.stringify(run.warnings));
    const at = Number(/at (\d+) s/.exec(line)![1]);
    assert.ok(at >= 1 && at <= 6, `stopped at ${at} s`);
    // 5 users for ~6.5 s of dead target: with a capped exponential backoff each makes a handful of
    // attempts (about 9 at most); re-sending at once made thousands in the same time.
    t.diagnostic(
      `${attempts} connection attempts after the kill; ${run.errors.connection_error} connection errors`,
    );
    assert.ok(attempts <= 60, `${attempts} connection attempts reached the dead target's port`);
    const errors = run.errors.connection_error;
    assert.ok(errors > 0 && errors <= 120, `${errors} connection errors`);
    const csv = readFileSync(join(out, 'failures.csv'), 'utf8');
    assert.match(csv, /connection_error: connection refused \(/, csv);
    assert.match(
      csv,
      /connection_error: connection (reset by the server|closed by the server before it answered) \(/,
      csv,
    );
  } finally {
    clearInterval(watch);
    server.closeAllConnections();
    if (server.listening) await closeServer(server);
    if (resetter.listening) await closeServer(resetter);
  }
});

test('--connection-backoff off re-sends at once, as before (the default is on)', {
  timeout: 90_000,
}, async (t) => {
  // Answers the preflight, then resets every request: a target that died right after it.
  let seen = 0;
  const server = createHttpServer((req, res) => {
    if (++seen === 1) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: hello\n\n');
    } else req.socket.resetAndDestroy();
  });
  const origin = await listenLocal(server);
  const errors = async (extra: string[]) => {
    seen = 0;
    const r = await runSse(origin, tempDir(), ['--users', '2', '--run-time', '3s', ...extra]);
    assert.equal(r.code, 1, r.stderr);
    return r.summary!.errors.connection_error as number;
  };
  try {
    const on = await errors([]);
    const off = await errors(['--connection-backoff', 'off']);
    t.diagnostic(`connection errors in 3 s: ${on} with the default backoff, ${off} with off`);
    assert.ok(on <= 40, `default backoff: ${on} connection errors in 3 s`);
    assert.ok(off > 4 * on, `off: ${off} connection errors in 3 s (default: ${on})`);
  } finally {
    server.closeAllConnections();
    await closeServer(server);
  }
});
