/**
 * The CLI in this process through an injected GlobalState (k6's cmd/state): `main(argv, state)`
 * writes only to the state's stdout/stderr, hears Ctrl-C only through it, and resolves with the exit
 * code; no child process, no real signal. Real SSE server on 127.0.0.1; bounds are generous.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main.ts';
import { memoryState } from '../../src/global-state.ts';
import { listenLocal, readRun, tempDir } from './helpers.ts';

let server: http.Server;
let origin = '';
let streams = 0;

before(async () => {
  server = http.createServer((_req, res) => {
    streams++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"a":1}\n\n');
    // A short stream, so the run keeps starting new ones until it is stopped.
    setTimeout(() => res.end('data: {"a":2}\n\n'), 50);
  });
  origin = await listenLocal(server);
});

after(() => server.close());

test('a stop signal through the state ends a run gracefully: status stopped, reports written, exit code returned', {
  timeout: 90_000,
}, async () => {
  const state = memoryState();
  const out = tempDir();
  const began = performance.now();
  const done = main(
    [
      'run',
      '--target',
      origin,
      '--protocol',
      'sse',
      '--users',
      '2',
      '--run-time',
      '10m',
      '--out',
      out,
      '--json-summary',
    ],
    state,
  );
  // Bounded wait for load to flow (at most 30 s), then Ctrl-C through the state.
  for (let i = 0; i < 300 && streams < 5; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(streams >= 5, `the run started (${streams} streams)`);
  state.signal('SIGINT');
  const code = await done;
  assert.ok(performance.now() - began < 60_000, 'stopped long before --run-time');
  assert.equal(code, 0, state.err.join(''));
  const summary = JSON.parse(state.out.join('').trim().split('\n').at(-1) ?? '');
  assert.equal(summary.status, 'stopped');
  assert.ok(summary.totals.requests > 0);
  assert.match(state.err.join(''), /SIGINT: stopping/);
  assert.equal(readRun(out).status, 'stopped');
});
