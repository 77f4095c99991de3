// True verdicts: exit codes and text outputs that tell what happened, whatever the server sends.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';
import { listenLocal, runCli, tempDir } from './helpers.ts';

/** Answers the preflight (the first request) with a valid stream, every later request with `later`. */
async function preflightThen(later: (res: import('node:http').ServerResponse) => void) {
  let n = 0;
  const server = createServer((_req, res) => {
    if (n++ === 0) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n');
      return;
    }
    later(res);
  });
  return { server, url: await listenLocal(server) };
}

describe('verdicts', () => {
  test('a run in which no request succeeded exits 1 without any threshold', { timeout: 60_000 }, async () => {
    const { server, url } = await preflightThen((res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"down"}');
    });
    try {
      const r = await runCli(
        [
          'run',
          '--target',
          url,
          '--protocol',
          'openai',
          '--iterations',
          '5',
          '--users',
          '1',
          '--out',
          tempDir(),
          '--json-summary',
        ],
        { timeoutMs: 40_000 },
      );
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^streamload: no request succeeded \(5 failed\)$/m);
      assert.equal(r.summary?.totals.failures, 5);
    } finally {
      server.close();
    }
  });
});
