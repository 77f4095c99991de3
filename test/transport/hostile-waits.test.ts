/**
 * Every wait is bounded (issue 29 H1, H2): a forward proxy that never answers `CONNECT` costs
 * `--connect-timeout`, not undici's 300 s, in the preflight and in the run; requests queued for a
 * connection (`--max-connections`, a pending tunnel) are cut at the run's end and counted
 * `cancelled`, so the run ends by run time + stop timeout. Hostile peers: our own proxy and server.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { closeServer, listenLocal, runCli, tempDir } from '../cli/helpers.ts';
import { makeCertificates, serverDir } from './real-servers.ts';

const STREAM = 'data: {"n":1}\n\nevent: done\ndata: {}\n\n';

/**
 * A forward proxy on 127.0.0.1 that tunnels the first `tunnelled` CONNECTs to `target` and then
 * reads every later one and never answers (the hostile peer of H1).
 */
async function silentProxy(targetPort: number, tunnelled: number) {
  let served = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('error', () => {});
    client.on('close', () => sockets.delete(client));
    client.once('data', (head) => {
      if (!head.toString('latin1').startsWith('CONNECT ') || served >= tunnelled) return; // silence
      served += 1;
      const upstream = net.connect(targetPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      sockets.add(upstream);
    });
  });
  const url = await listenLocal(server);
  return {
    url,
    async close() {
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}

const sseArgs = ['--protocol', 'sse', '--path', '/events', '--terminal-event', 'done'];

let certs: ReturnType<typeof makeCertificates>;
let tlsTarget: https.Server;
let tlsPort = 0;
before(async () => {
  certs = makeCertificates(serverDir());
  const { readFileSync } = await import('node:fs');
  tlsTarget = https.createServer(
    { key: readFileSync(certs.key), cert: readFileSync(certs.chain) },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(STREAM);
    },
  );
  const origin = await listenLocal(tlsTarget);
  tlsPort = Number(new URL(origin).port);
});
after(async () => {
  tlsTarget.closeAllConnections();
  await closeServer(tlsTarget);
});

test('H1: a proxy that never answers CONNECT fails the preflight within --connect-timeout, naming the proxy', {
  timeout: 120_000,
}, async () => {
  const proxy = await silentProxy(tlsPort, 0);
  try {
    const began = performance.now();
    const r = await runCli(
      [
        'run',
        ...['--target', `https://127.0.0.1:${tlsPort}`, ...sseArgs, '--ca', certs.ca],
        ...['--proxy', proxy.url, '--connect-timeout', '2s', '--first-byte-timeout', '2s'],
        ...['--users', '1', '--run-time', '3s', '--out', tempDir()],
      ],
      { timeoutMs: 90_000 },
    );
    const wallMs = performance.now() - began;
    assert.equal(r.code, 2, r.stderr);
    assert.ok(wallMs < 20_000, `the preflight took ${wallMs} ms`);
    assert.match(r.stderr, /CONNECT/);
    assert.match(r.stderr, /--connect-timeout/);
    assert.match(r.stderr, new RegExp(proxy.url.replace(/[.]/g, '\\.')));
  } finally {
    await proxy.close();
  }
});

/**
 * A run of 2 users through a proxy that tunnels only the preflight's CONNECT and then never
 * answers another; resolves with the `--json-summary` and the wall time.
 */
async function runBehindSilentProxy(connectTimeout: string, runTime: string) {
  const proxy = await silentProxy(tlsPort, 1);
  try {
    const began = performance.now();
    const r = await runCli(
      [
        'run',
        ...['--target', `https://127.0.0.1:${tlsPort}`, ...sseArgs, '--ca', certs.ca],
        ...['--proxy', proxy.url, '--connect-timeout', connectTimeout, '--stop-timeout', '1s'],
        ...[
          '--users',
          '2',
          '--spawn-rate',
          '100',
          '--run-time',
          runTime,
          '--out',
          tempDir(),
          '--json-summary',
        ],
      ],
      { timeoutMs: 90_000 },
    );
    assert.ok(r.summary, r.stderr);
    assert.doesNotMatch(JSON.stringify(r.summary.warnings ?? []), /never settled/);
    return { s: r.summary, wallMs: performance.now() - began };
  } finally {
    await proxy.close();
  }
}

test('H1: a proxy that stops answering CONNECT after the preflight: the run ends by its deadline, each wait a timeout', {
  timeout: 120_000,
}, async () => {
  const { s, wallMs } = await runBehindSilentProxy('1s', '3s');
  assert.ok(wallMs < 20_000, `a 3 s run took ${wallMs} ms`);
  assert.equal(s.totals.requests - s.totals.failures, 0, JSON.stringify(s.totals));
  assert.ok(s.totals.failures >= 2, JSON.stringify(s.totals));
  assert.ok(s.errors.timeout + s.errors.connection_error >= 2, JSON.stringify(s.errors));
});

test('H2: requests waiting for a CONNECT that outlasts the run are cut at its end, counted cancelled', {
  timeout: 120_000,
}, async () => {
  const { s, wallMs } = await runBehindSilentProxy('60s', '2s');
  assert.ok(wallMs < 20_000, `a 2 s run took ${wallMs} ms`);
  assert.equal(s.totals.failures, 0, JSON.stringify(s.errors));
  assert.ok(s.totals.cancelled >= 2, JSON.stringify(s.totals));
});

test('H2: requests queued behind --max-connections are cut at the run end, counted cancelled', {
  timeout: 120_000,
}, async () => {
  // The preflight and the first few requests are answered; then one stream never ends, and the
  // other users wait for the one connection it holds.
  let served = 0;
  const held = new Set<http.ServerResponse>();
  const target = http.createServer((_req, res) => {
    served += 1;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (served <= 4) {
      res.end(STREAM);
      return;
    }
    held.add(res);
    const ping = setInterval(() => res.write('data: {"n":1}\n\n'), 200);
    res.on('close', () => clearInterval(ping));
  });
  const origin = await listenLocal(target);
  try {
    const began = performance.now();
    const r = await runCli(
      [
        'run',
        ...['--target', origin, ...sseArgs, '--max-connections', '1', '--stop-timeout', '1s'],
        ...['--users', '3', '--spawn-rate', '100', '--run-time', '2s', '--out', tempDir(), '--json-summary'],
      ],
      { timeoutMs: 90_000 },
    );
    const wallMs = performance.now() - began;
    assert.ok(wallMs < 15_000, `a 2 s run took ${wallMs} ms`);
    assert.equal(r.code, 0, r.stderr);
    const s = r.summary!;
    assert.equal(s.totals.failures, 0, JSON.stringify(s.errors));
    // The held stream and the two users waiting behind it.
    assert.ok(s.totals.cancelled >= 3, JSON.stringify(s.totals));
    assert.doesNotMatch(JSON.stringify(s.warnings ?? []), /never settled/);
  } finally {
    for (const res of held) res.destroy();
    target.closeAllConnections();
    await closeServer(target);
  }
});

test('M3: HTTP_PROXY=host:port without a scheme is http (as curl reads it); a bad one is exit 2 naming the variable', {
  timeout: 120_000,
}, async () => {
  // The proxy answers the forwarded requests itself: the target's port is never connected to.
  const forwarded: string[] = [];
  const proxy = http.createServer((req, res) => {
    forwarded.push(String(req.url));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(STREAM);
  });
  const proxyUrl = await listenLocal(proxy);
  const env = { HTTP_PROXY: '', https_proxy: '', HTTPS_PROXY: '', NO_PROXY: '', no_proxy: '' };
  try {
    const target = 'http://127.0.0.1:9';
    const args = [
      'run',
      '--target',
      target,
      ...sseArgs,
      '--iterations',
      '2',
      '--out',
      tempDir(),
      '--json-summary',
    ];
    const ok = await runCli(args, {
      env: { ...env, http_proxy: proxyUrl.replace('http://', '') },
      timeoutMs: 60_000,
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.summary!.totals.requests, 2);
    assert.deepEqual(new Set(forwarded), new Set([`${target}/events`]));
    assert.equal(forwarded.length, 3, 'the preflight and the two requests');

    const bad = await runCli(args, { env: { ...env, http_proxy: 'proxy host:3128' }, timeoutMs: 60_000 });
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /^streamload: HTTP_PROXY: expected a proxy URL/m);
    assert.doesNotMatch(bad.stderr, /\n\s+at /);
  } finally {
    proxy.closeAllConnections();
    await closeServer(proxy);
  }
});
