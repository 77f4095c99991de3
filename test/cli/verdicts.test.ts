// biome-ignore-all lint/suspicious/noExplicitAny: the test damages run.json fields at will.
// True verdicts: exit codes and text outputs that tell what happened, whatever the server sends.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startMockLlm } from '../../src/targets/mock-llm/server.ts';
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

  test('a run whose every request was cut by streamload says so, not "0 failed"', {
    timeout: 60_000,
  }, async () => {
    // Every stream opens and then stays silent: the run's end cuts them all (cancelled, not failed).
    const { server, url } = await preflightThen((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
    });
    try {
      const r = await runCli(
        [
          'run',
          '--target',
          url,
          '--protocol',
          'openai',
          '--users',
          '2',
          '--spawn-rate',
          '10',
          '--run-time',
          '1s',
          '--stop-timeout',
          '500ms',
          '--idle-timeout',
          '60s',
          '--out',
          tempDir(),
          '--json-summary',
        ],
        { timeoutMs: 40_000 },
      );
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /\(0 failed\)/);
      assert.match(
        r.stderr,
        /^streamload: no request completed: all 2 were still running when streamload cut them \(the run's end or --stop-timeout\); raise --run-time or --stop-timeout for slower answers$/m,
      );
      assert.equal(r.summary?.totals.cancelled, 2);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  test('report and compare on a damaged run.json: exit 2 naming the field, no stack', {
    timeout: 60_000,
  }, async () => {
    const llm = await startMockLlm({ port: 0, firstTokenMs: 1, interTokenMs: 1, tokens: [3, 3] });
    const out = tempDir();
    try {
      const r = await runCli(
        [
          'run',
          '--target',
          llm.url,
          '--protocol',
          'openai',
          '--iterations',
          '3',
          '--users',
          '1',
          '--out',
          out,
        ],
        { timeoutMs: 40_000 },
      );
      assert.equal(r.code, 0, r.stderr);
    } finally {
      await llm.close();
    }
    const good = join(out, 'run.json');
    const intact = await runCli(['report', good, '--out', tempDir()]);
    assert.equal(intact.code, 0, intact.stderr);
    const run = JSON.parse(readFileSync(good, 'utf8'));
    const damaged: [string, (r: any) => void, RegExp][] = [
      ['no-totals.json', (r) => delete r.totals, /damaged run\.json: missing field "totals"$/],
      ['no-p95.json', (r) => delete r.latency.ttfe.p95, /missing field "latency\.ttfe\.p95"$/],
      [
        'bad-row.json',
        (r) => (r.requests[0].duration = 'x'),
        /field "requests\[0\]\.duration" should be object, got "x"$/,
      ],
      ['bad-history.json', (r) => (r.history = 5), /field "history" should be array, got 5$/],
    ];
    for (const [name, damage, message] of damaged) {
      const copy = structuredClone(run);
      damage(copy);
      const file = join(out, name);
      writeFileSync(file, JSON.stringify(copy));
      for (const args of [
        ['report', file, '--out', tempDir()],
        ['compare', good, file],
      ]) {
        const r = await runCli(args);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
        assert.match(r.stderr.trim(), message);
      }
    }
  });

  test('terminal escapes from the server are escaped in the console, summary.txt and report.md', {
    timeout: 60_000,
  }, async () => {
    const hostile = '\u001b[2K\u001b]0;pwned\u0007 \u202egnp.exe';
    let n = 0;
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // The preflight and every other request succeed; the rest end with an in-stream error.
      if (n++ % 2 === 0) res.end('data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n');
      else res.end(`data: ${JSON.stringify({ error: { message: `boom ${hostile}` } })}\n\n`);
    });
    const url = await listenLocal(server);
    const out = tempDir();
    try {
      const r = await runCli(
        ['run', '--target', url, '--protocol', 'openai', '--iterations', '6', '--users', '1', '--out', out],
        { timeoutMs: 40_000 },
      );
      assert.equal(r.code, 0, r.stderr);
      for (const [where, text] of [
        ['console', r.stdout + r.stderr],
        ['summary.txt', readFileSync(join(out, 'summary.txt'), 'utf8')],
        ['report.md', readFileSync(join(out, 'report.md'), 'utf8')],
      ] as const) {
        assert.doesNotMatch(text, /[\u001b\u0007\u202e]/, `${where} carries a raw control character`);
        if (where !== 'report.md')
          assert.match(text, /boom \\x1b\[2K\\x1b\]0;pwned\\x07 \\u202egnp\.exe/, where);
      }
    } finally {
      server.close();
    }
  });
});
