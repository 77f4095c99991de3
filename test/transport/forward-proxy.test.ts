/**
 * A run through a real forward proxy (Debian's tinyproxy): HTTP_PROXY carries the preflight and
 * the load alike, the target counts exactly what the run counted, the proxy's log shows every
 * request, NO_PROXY bypasses it, `--proxy` overrides the environment and `--no-proxy` ignores it.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, test } from 'node:test';
import { listenLocal, runCli, tempDir } from '../cli/helpers.ts';
import { type RunningServer, serverDir, startTinyproxy } from './real-servers.ts';

let target: http.Server;
let origin = '';
let proxy: RunningServer;
const seen: { ua: string; test: string }[] = [];

before(async () => {
  target = http.createServer((req, res) => {
    seen.push({
      ua: String(req.headers['user-agent']),
      test: String(req.headers['x-streamload-test'] ?? ''),
    });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end('data: {"n":1}\n\nevent: done\ndata: {}\n\n');
  });
  origin = await listenLocal(target);
  proxy = await startTinyproxy(serverDir());
});

after(async () => {
  target.close();
  await proxy.stop();
});

beforeEach(() => {
  seen.length = 0;
});

/** The proxy's log lines for requests to our target. */
function proxiedRequests(): number {
  return proxy
    .log()
    .split('\n')
    .filter((line) => line.includes(`GET ${origin}/events `)).length;
}

const load = (iterations: number) => [
  'run',
  '--target',
  origin,
  '--protocol',
  'sse',
  '--path',
  '/events',
  '--terminal-event',
  'done',
  '--users',
  '4',
  '--iterations',
  String(iterations),
  '--header',
  'X-Streamload-Test: via-proxy',
  '--out',
  tempDir(),
  '--json-summary',
];

const noEnvProxy = { HTTP_PROXY: '', http_proxy: '', NO_PROXY: '', no_proxy: '' };

test('HTTP_PROXY carries the preflight and every request; the target counts what the run counted', {
  timeout: 120_000,
}, async () => {
  const before = proxiedRequests();
  const r = await runCli(load(25), { env: { ...noEnvProxy, HTTP_PROXY: proxy.url }, timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr);
  const summary = r.summary!;
  assert.equal(summary.totals.requests, 25);
  assert.equal(summary.totals.failures, 0);
  // The target saw the preflight plus exactly the run's requests, all through the proxy.
  assert.equal(seen.length, 25 + 1);
  assert.equal(proxiedRequests() - before, 25 + 1);
  assert.match(summary.environment.proxy, /^http:\/\/127\.0\.0\.1:\d+ \(HTTP\(S\)_PROXY\)$/);
  // --header and the User-Agent went through the proxy to the target.
  assert.ok(
    seen.every((s) => s.test === 'via-proxy' && /^streamload\/\d+\.\d+\.\d+/.test(s.ua)),
    JSON.stringify(seen[0]),
  );
});

test('NO_PROXY=127.0.0.1 bypasses the proxy; --no-proxy ignores HTTP_PROXY', {
  timeout: 120_000,
}, async () => {
  const before = proxiedRequests();
  const bypass = await runCli(load(10), {
    env: { ...noEnvProxy, HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' },
    timeoutMs: 90_000,
  });
  assert.equal(bypass.code, 0, bypass.stderr);
  assert.equal(bypass.summary!.totals.requests, 10);
  assert.equal(bypass.summary!.environment.proxy, null);
  const ignored = await runCli([...load(10), '--no-proxy'], {
    env: { ...noEnvProxy, HTTP_PROXY: 'http://127.0.0.1:9' },
    timeoutMs: 90_000,
  });
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.equal(seen.length, 2 * (10 + 1));
  assert.equal(proxiedRequests(), before, 'nothing went through the proxy');
});

test('--proxy URL overrides the environment; its credentials never reach run.json', {
  timeout: 120_000,
}, async () => {
  const before = proxiedRequests();
  const withCredentials = proxy.url.replace('http://', 'http://user:s3cret@');
  const r = await runCli([...load(8), '--proxy', withCredentials], {
    env: { ...noEnvProxy, HTTP_PROXY: 'http://127.0.0.1:9' },
    timeoutMs: 90_000,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.summary!.totals.requests, 8);
  assert.equal(proxiedRequests() - before, 8 + 1);
  assert.match(r.summary!.environment.proxy, /^http:\/\/\*\*\*@127\.0\.0\.1:\d+ \(--proxy\)$/);
  assert.doesNotMatch(JSON.stringify(r.summary), /s3cret/);
});

test("the embedded targets (no --target) are not reached through the environment's proxy", {
  timeout: 120_000,
}, async () => {
  const r = await runCli(['run', '--users', '1', '--iterations', '3', '--out', tempDir(), '--json-summary'], {
    env: { ...noEnvProxy, HTTP_PROXY: 'http://127.0.0.1:9' },
    timeoutMs: 90_000,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.summary!.totals.failures, 0);
  assert.equal(r.summary!.environment.proxy, null);
});
