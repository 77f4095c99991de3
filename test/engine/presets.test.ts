/**
 * Presets as the README states them: `--profile` users/requests, `burst` fires its requests at
 * once, `--iterations N` is exactly N requests in every scenario, and the start banner describes
 * stages as they run.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, test } from 'node:test';
import { resolveRunConfig } from '../../src/run-config/resolve.ts';
import { listenLocal, runCli, tempDir } from '../cli/helpers.ts';

test('--profile light|normal|heavy|stress = 10/100, 100/1000, 500/5000, 1000/10000 users/requests', () => {
  const expected = { light: [10, 100], normal: [100, 1000], heavy: [500, 5000], stress: [1000, 10_000] };
  for (const [profile, [users, iterations]] of Object.entries(expected)) {
    const config = resolveRunConfig({ flags: { profile }, env: {}, cwd: process.cwd() });
    assert.deepEqual([config.users, config.iterations, config.runTime], [users, iterations, null], profile);
  }
  const own = resolveRunConfig({ flags: { profile: 'heavy', users: 50 }, env: {}, cwd: process.cwd() });
  assert.deepEqual([own.users, own.iterations], [50, 5000], 'flags override the preset');
});

let server: http.Server;
let origin = '';
let open = 0;
let peak = 0;
let seen = 0;

before(async () => {
  server = http.createServer((_req, res) => {
    seen++;
    open++;
    peak = Math.max(peak, open);
    // The preflight drops its stream early: open counts what the client still holds.
    res.on('close', () => open--);
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"n":1}\n\n');
    // Held open a while, so requests fired together overlap at the server.
    setTimeout(() => res.end('event: done\ndata: {}\n\n'), 400);
  });
  origin = await listenLocal(server);
});

after(() => server.close());

beforeEach(() => {
  seen = 0;
  peak = 0;
});

const sse = () => ['--target', origin, '--protocol', 'sse', '--path', '/s', '--terminal-event', 'done'];
const noProxy = { HTTP_PROXY: '', http_proxy: '' };

test('burst fires its 3 requests at once, and --iterations counts requests exactly', {
  timeout: 120_000,
}, async () => {
  const args = (users: number, iterations: number) => [
    'run',
    ...sse(),
    '--scenario',
    'burst',
    '--users',
    String(users),
    '--iterations',
    String(iterations),
    '--out',
    tempDir(),
    '--json-summary',
  ];
  const one = await runCli(args(1, 3), { env: noProxy, timeoutMs: 60_000 });
  assert.equal(one.code, 0, one.stderr);
  assert.equal(one.summary!.totals.requests, 3);
  assert.equal(seen, 3 + 1, 'the target saw the preflight and exactly 3 requests');
  assert.equal(peak, 3, 'the three requests of a burst overlapped');
  seen = 0;
  const uneven = await runCli(args(2, 4), { env: noProxy, timeoutMs: 60_000 });
  assert.equal(uneven.code, 0, uneven.stderr);
  assert.equal(uneven.summary!.totals.requests, 4);
  assert.equal(uneven.summary!.totals.failures, 0);
  assert.equal(seen, 4 + 1);
  assert.deepEqual(uneven.summary!.warnings, []);
});

test('the start banner describes stages as they run', { timeout: 60_000 }, async () => {
  const r = await runCli(['run', ...sse(), '--stages', '1s:2,1s:0', '--out', tempDir()], {
    env: noProxy,
    timeoutMs: 45_000,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /user stages 1 s → 2, 1 s → 0 users/);
  assert.doesNotMatch(r.stdout, /10 users \(spawn 2\/s\)/);
});
