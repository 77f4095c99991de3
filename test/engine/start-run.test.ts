/**
 * startRun from code (the programmatic API the CLI, web UI and workers use), with a scenario file
 * from test/fixtures/scenarios, against a real node:http SSE server on an ephemeral port.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startRun } from '../../src/index.ts';
import { resolveRunConfig } from '../../src/run-config/resolve.ts';

const EVENTS = 4;
const counts = { login: 0, info: 0, streams: 0 };
let server: http.Server;
let origin = '';

before(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/login') counts.login++;
    if (req.url === '/info' || req.url === '/login') {
      if (req.url === '/info') counts.info++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    counts.streams++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (let i = 0; i < EVENTS; i++) res.write(`data: {"i":${i}}\n\n`);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => server.close());

test('a scenario file run through startRun records every request the server saw', {
  timeout: 10_000,
}, async () => {
  const scenario = fileURLToPath(new URL('../fixtures/scenarios/weighted.ts', import.meta.url));
  const config = resolveRunConfig({
    flags: { target: origin, protocol: 'sse', scenario, users: 4, spawnRate: 100, iterations: 40 },
    env: {},
    cwd: process.cwd(),
  });
  const handle = await startRun(config, { origin });
  const run = await handle.done;
  assert.equal(run.status, 'completed');
  const totals = run.totals;
  // Every login (onStart), info and stream the server handled was recorded, and nothing failed.
  assert.equal(totals.requests, counts.login + counts.info + counts.streams);
  assert.equal(totals.failures, 0);
  assert.equal(totals.streams, counts.streams);
  assert.equal(totals.events, counts.streams * EVENTS);
  assert.ok(counts.login >= 1 && counts.login <= 4, `one login per reader user, saw ${counts.login}`);
  const names = run.requests.map((entry) => entry.name);
  for (const name of ['stream', 'info', 'login']) assert.ok(names.includes(name), names.join(','));
});
