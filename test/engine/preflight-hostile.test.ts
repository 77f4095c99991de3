/**
 * The preflight against hostile targets (issue 29 M1, M2 and lows): a redirect is exit 2 naming
 * its Location; a 400 MB error body is read only as far as its message; a target that never
 * answers is named with the timeouts that ran out; a compressed stream names its encoding. The
 * same bounded read serves `setup`'s console client. Real CLI, our own servers on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { closeServer, listenLocal, runCli, tempDir } from '../cli/helpers.ts';

const sse = ['--protocol', 'sse', '--path', '/events', '--terminal-event', 'done'];
const STREAM = 'data: {"n":1}\n\nevent: done\ndata: {}\n\n';

async function withServer<T>(
  handler: http.RequestListener,
  body: (origin: string, server: http.Server) => Promise<T>,
): Promise<T> {
  const server = http.createServer(handler);
  const origin = await listenLocal(server);
  try {
    return await body(origin, server);
  } finally {
    server.closeAllConnections();
    await closeServer(server);
  }
}

/** A healthy SSE target that counts what reaches it: for checks that must send nothing. */
function countingTarget() {
  const seen = { requests: 0 };
  const handler: http.RequestListener = (_req, res) => {
    seen.requests += 1;
    res.writeHead(200, { 'content-type': 'text/event-stream' }).end(STREAM);
  };
  return { seen, handler };
}

const run = (origin: string, ...extra: string[]) =>
  runCli(
    ['run', '--target', origin, ...sse, '--users', '1', '--run-time', '2s', '--out', tempDir(), ...extra],
    {
      timeoutMs: 60_000,
    },
  );

test('M1: a redirect at the preflight is exit 2 naming the status, its Location and the fix', async () => {
  let requests = 0;
  await withServer(
    (_req, res) => {
      requests += 1;
      res.writeHead(307, { location: 'https://gateway.example/v2/events' }).end();
    },
    async (origin) => {
      const r = await run(origin);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /answered 307 \(a redirect to https:\/\/gateway\.example\/v2\/events\)/);
      assert.match(r.stderr, /use the final URL/);
      assert.equal(requests, 1, 'no load after the preflight');
    },
  );
});

/** Answers `status` with a short message and then 400 MB (backpressure respected); counts what it sent. */
function hugeBody(status: number, head: string) {
  const state = { sent: 0 };
  const chunk = Buffer.alloc(1 << 20, 'e');
  const handler: http.RequestListener = (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.write(head);
    const pump = () => {
      while (state.sent < 400 * (1 << 20) && !res.destroyed) {
        state.sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  };
  return { state, handler };
}

test('M2: a 400 MB error body is read only for its message (the server sends a few MB at most)', {
  timeout: 120_000,
}, async () => {
  const { state, handler } = hugeBody(400, 'bad input: field "x" is required ');
  await withServer(handler, async (origin) => {
    const r = await run(origin);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /refused the request \(400\): bad input: field "x" is required e+/);
    assert.ok(state.sent < 64 * (1 << 20), `the server got to send ${state.sent} bytes`);
  });
});

test('M2: setup reads a console answer of 400 MB no further than its bound', {
  timeout: 120_000,
}, async () => {
  const { state, handler } = hugeBody(200, '{"result": "success", "data": "');
  await withServer(handler, async (origin) => {
    const r = await runCli(['setup', '--console', origin, '--email', 'admin@example.com', '--no-proxy'], {
      cwd: tempDir(),
      timeoutMs: 60_000,
      env: { STREAMLOAD_DIFY_PASSWORD: 'x' },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(state.sent < 64 * (1 << 20), `the console got to send ${state.sent} bytes`);
  });
});

test('a target that never answers: the preflight names the URL and the timeouts that ran out', async () => {
  await withServer(
    () => {}, // reads the request, never answers
    async (origin) => {
      const r = await run(origin, '--connect-timeout', '1s', '--first-byte-timeout', '1s');
      assert.equal(r.code, 2, r.stderr);
      assert.ok(
        r.stderr.includes(
          `cannot reach ${origin}/events: no response head within --first-byte-timeout (1000 ms)`,
        ),
        r.stderr,
      );
      assert.doesNotMatch(r.stderr, /This operation was aborted/);
    },
  );
});

test('a gzip-compressed stream: the preflight asks for identity and names the encoding the server used anyway', async () => {
  const asked: string[] = [];
  await withServer(
    (req, res) => {
      asked.push(String(req.headers['accept-encoding']));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-encoding': 'gzip' });
      res.end(gzipSync(STREAM));
    },
    async (origin) => {
      const r = await run(origin);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /Content-Encoding: gzip/);
      assert.match(r.stderr, /turn compression off/);
      assert.deepEqual(asked, ['identity']);
    },
  );
});

test('a stream compressed only after the preflight: each request fails as invalid_response naming the encoding', async () => {
  let n = 0;
  await withServer(
    (_req, res) => {
      n += 1;
      const gzip = n > 1;
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        ...(gzip ? { 'content-encoding': 'br' } : {}),
      });
      res.end(gzip ? gzipSync(STREAM) : STREAM);
    },
    async (origin) => {
      const r = await run(origin, '--iterations', '3', '--json-summary');
      const s = r.summary!;
      assert.ok(s, r.stderr);
      assert.equal(s.errors.invalid_response, 3, JSON.stringify(s.errors));
      assert.equal(s.errors.early_termination ?? 0, 0);
      assert.match(JSON.stringify(s), /Content-Encoding: br/);
    },
  );
});

test('--target with a path or a query is exit 2 before any request (it passed the preflight, then failed every request)', async () => {
  const target = countingTarget();
  await withServer(target.handler, async (origin) => {
    for (const target of [`${origin}?key=1`, `${origin}/api`]) {
      const r = await run(target);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^streamload: --target: expected an origin like http:\/\/host:port/);
    }
    assert.equal(target.seen.requests, 0);
  });
});

test('--ca problems are named before any request: a missing file, a folder, a DER file, a broken PEM', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'der.crt'), randomBytes(300));
  writeFileSync(join(dir, 'broken.pem'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  const target = countingTarget();
  await withServer(target.handler, async (origin) => {
    for (const [file, message] of [
      ['missing.pem', /cannot read .*missing\.pem \(ENOENT\)/],
      ['.', /cannot read .* \(EISDIR\)/],
      ['der.crt', /der\.crt is not a PEM certificate file .*openssl x509 -inform der/],
      ['broken.pem', /broken\.pem holds no valid certificate/],
    ] as const) {
      const r = await run(origin, '--ca', join(dir, file));
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`^streamload: --ca: (.*/)?${message.source}`));
    }
    assert.equal(target.seen.requests, 0);
  });
});

test('an error body dribbled a byte at a time: the preflight still ends by its deadline', {
  timeout: 60_000,
}, async () => {
  const timers = new Set<NodeJS.Timeout>();
  await withServer(
    (_req, res) => {
      res.writeHead(400, { 'content-type': 'text/plain' });
      timers.add(setInterval(() => res.write('x'), 300));
    },
    async (origin) => {
      const began = performance.now();
      const r = await run(origin, '--connect-timeout', '1s', '--first-byte-timeout', '1s');
      for (const timer of timers) clearInterval(timer);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(performance.now() - began < 20_000);
      assert.match(
        r.stderr,
        /no complete answer within --connect-timeout \+ --first-byte-timeout \(2000 ms\)/,
      );
    },
  );
});
