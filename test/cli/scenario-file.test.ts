/**
 * `run --scenario <file>` through the real CLI: the preflight only checks reachability (the file's
 * tasks choose their own paths), and every task's requests land in the request table; a user
 * class's bad `wait` is refused before any request (it once became 0 ms without a word).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listenLocal, runCli, tempDir } from './helpers.ts';

let server: http.Server;
let origin = '';
let seen = 0;

before(async () => {
  server = http.createServer((req, res) => {
    seen++;
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {"a":1}\n\ndata: {"a":2}\n\n');
      return;
    }
    // The protocol's default path ('/') does not exist on this API: only reachability matters.
    res.writeHead(req.url === '/' ? 404 : 200, { 'content-type': 'application/json' }).end('{}');
  });
  origin = await listenLocal(server);
});

after(() => server.close());

test('a scenario file runs through the CLI with a reachability-only preflight', {
  timeout: 15_000,
}, async () => {
  const scenario = fileURLToPath(new URL('../fixtures/scenarios/weighted.ts', import.meta.url));
  const r = await runCli([
    'run',
    '--target',
    origin,
    '--protocol',
    'sse',
    '--scenario',
    scenario,
    '--users',
    '3',
    '--iterations',
    '20',
    '--out',
    tempDir(),
    '--json-summary',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const summary = r.summary as {
    totals: { requests: number; failures: number };
    requests: { name: string }[];
  };
  assert.equal(summary.totals.failures, 0);
  // The server saw the preflight plus every recorded request.
  assert.equal(seen, summary.totals.requests + 1);
  const names = summary.requests.map((entry) => entry.name);
  for (const name of ['stream', 'login']) assert.ok(names.includes(name), names.join(','));
});

for (const [label, wait] of [
  ['a typo', "'1x'"],
  ['a range with max below min', "'2s-1s'"],
  ['a pair with a negative bound', '[-1, 5]'],
] as const) {
  test(`a scenario wait that is ${label} exits 2 naming the file, before any request`, {
    timeout: 60_000,
  }, async () => {
    const file = join(tempDir(), 'bad-wait.ts');
    writeFileSync(
      file,
      `export default { users: [{ name: 'u', wait: ${wait}, tasks: [{ run: async (ctx) => { await ctx.sse(); } }] }] };\n`,
    );
    const before = seen;
    const r = await runCli(
      [
        'run',
        '--target',
        origin,
        '--protocol',
        'sse',
        '--scenario',
        file,
        '--iterations',
        '1',
        '--out',
        tempDir(),
      ],
      { timeoutMs: 45_000 },
    );
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(file), r.stderr);
    assert.match(r.stderr, /users\[0\]\.wait/);
    assert.equal(seen, before, 'no request reached the target (not even the preflight)');
  });
}
