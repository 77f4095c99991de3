/**
 * Protocol edges against hostile servers of our own on 127.0.0.1, through the real CLI:
 * 1xx before the response, media types in any case, a server that keeps pinging after the terminal
 * event, blocking bodies over --max-body-size, and the idle timeout measured between events
 * (comments and data-less pings do not reset it). Wall-time bounds are generous.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { runCli, tempDir } from '../cli/helpers.ts';

/** Starts `handler` on 127.0.0.1; returns its origin and a close that also ends open responses. */
async function serve(handler: http.RequestListener) {
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** An interval that dies with the response (and the server). */
    every(res: http.ServerResponse, ms: number, fn: () => void) {
      const t = setInterval(fn, ms);
      timers.add(t);
      res.on('close', () => {
        clearInterval(t);
        timers.delete(t);
      });
    },
    close() {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      server.close();
    },
  };
}

function run(origin: string, args: readonly string[], timeoutMs = 60_000) {
  return runCli(
    ['run', '--target', origin, '--protocol', 'sse', '--out', tempDir(), '--json-summary', ...args],
    { timeoutMs },
  );
}

describe('protocol edges', () => {
  test('a 103 Early Hints before a valid stream is skipped', { timeout: 90_000 }, async () => {
    const s = await serve((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' }, () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('data: hello\n\n');
      });
    });
    try {
      const r = await run(s.origin, ['--iterations', '10', '--users', '2']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.summary!.totals.requests, 10);
      assert.equal(r.summary!.totals.failures, 0, JSON.stringify(r.summary!.errors));
    } finally {
      s.close();
    }
  });

  test('media types are compared case-insensitively (Text/Event-Stream)', { timeout: 90_000 }, async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'Text/Event-Stream; Charset=UTF-8' });
      res.end('data: hello\n\n');
    });
    try {
      const r = await run(s.origin, ['--iterations', '10', '--users', '2']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.summary!.totals.failures, 0, JSON.stringify(r.summary!.errors));
      assert.equal(r.summary!.totals.streams, 10);
    } finally {
      s.close();
    }
  });

  test('the request ends at its terminal event even when the server keeps pinging', {
    timeout: 90_000,
  }, async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: token\n\nevent: done\ndata: {}\n\n');
      // Never ends the response: pings forever, as comments and as data-less events.
      s.every(res, 20, () => res.write(': ping\n\nevent: ping\n\n'));
    });
    try {
      const began = performance.now();
      const r = await run(s.origin, [
        '--terminal-event',
        'done',
        '--users',
        '2',
        '--run-time',
        '3s',
        '--stop-timeout',
        '10s',
      ]);
      const wallMs = performance.now() - began;
      assert.equal(r.code, 0, r.stderr);
      const t = r.summary!.totals;
      // Before: each user was held until the stop timeout (2 requests in 13 s). Now: one request per
      // round trip; even a slow shared machine completes dozens in 3 s.
      assert.ok(t.requests >= 20, JSON.stringify(t));
      assert.equal(t.failures, 0, JSON.stringify(r.summary!.errors));
      assert.equal(t.cancelled, 0);
      assert.ok(wallMs < 12_000 + 20_000, `ended after ${wallMs} ms: the stop timeout was waited out`);
      assert.ok(r.summary!.latency.request_duration.p50 < 1000, 'the duration ends at the terminal event');
    } finally {
      s.close();
    }
  });

  test('a blocking body over --max-body-size is body_too_large, not invalid_json', {
    timeout: 90_000,
  }, async () => {
    // Valid JSON, 300 kB: cut anywhere it would fail to parse.
    const body = JSON.stringify({ choices: [{ message: { content: 'x'.repeat(300_000) } }] });
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    try {
      const r = await runCli(
        [
          'run',
          '--target',
          s.origin,
          '--protocol',
          'openai',
          '--response-mode',
          'blocking',
          '--max-body-size',
          '100000',
          '--iterations',
          '4',
          '--users',
          '2',
          '--out',
          tempDir(),
          '--json-summary',
        ],
        { timeoutMs: 60_000 },
      );
      assert.equal(r.code === 0 || r.code === 1, true, r.stderr);
      const e = r.summary!.errors;
      assert.equal(e.body_too_large, 4, JSON.stringify(e));
      assert.equal(e.invalid_json, 0);
      assert.match(r.summary!.errorSamples.body_too_large, /--max-body-size \(100000 bytes\)/);
    } finally {
      s.close();
    }
  });

  test('--idle-timeout is the gap between events: comments and pings do not reset it', {
    timeout: 90_000,
  }, async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // One event, then only keep-alives forever: bytes keep coming, events do not.
      res.write('data: first\n\n');
      s.every(res, 50, () => res.write(': keep-alive\n\nevent: ping\n\n'));
    });
    try {
      const began = performance.now();
      const r = await run(s.origin, ['--iterations', '4', '--users', '2', '--idle-timeout', '500ms']);
      const wallMs = performance.now() - began;
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const e = r.summary!.errors;
      assert.equal(e.timeout, 4, JSON.stringify(e));
      assert.match(r.summary!.errorSamples.timeout, /no event for \d+ ms \(--idle-timeout 500 ms\)/);
      assert.ok(wallMs < 30_000, `ended after ${wallMs} ms`);
    } finally {
      s.close();
    }
  });
});
