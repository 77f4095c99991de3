// biome-ignore-all lint/suspicious/noExplicitAny: assertions walk the JSON summary.
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { describe, test } from 'node:test';
import type { MockFault } from '../../src/targets/mock-llm/options.ts';
import { listenLocal, runCli, tempDir, withMockLlm } from './helpers.ts';

async function withMock(fault: MockFault | null, args: readonly string[], check: (summary: any) => void) {
  // Seed 1 draws 0.63 first, so the preflight request is never faulted at rate 0.5.
  const options = { port: 0, seed: 1, firstTokenMs: 100, interTokenMs: 2, tokens: [8, 8] as const };
  await withMockLlm(
    { ...options, ...(fault === null ? {} : { faultRates: { [fault]: 0.5 } }) },
    async (llm) => {
      const r = await runCli([
        'run',
        '--target',
        llm.url,
        '--protocol',
        'openai',
        '--out',
        tempDir(),
        '--json-summary',
        ...args,
      ]);
      assert.equal(r.code, 0, r.stderr);
      check(r.summary);
    },
  );
}

describe('each fault maps to its error name', () => {
  const iterations = ['--iterations', '16', '--users', '4'];
  test('TTFT within tolerance of the configured first-token delay; tokens from usage', () =>
    withMock(null, iterations, (s) => {
      assert.ok(s.latency.ttft.p50 >= 100 && s.latency.ttft.p50 < 140, `ttft p50 ${s.latency.ttft.p50}`);
      assert.equal(s.totals.tokens, 16 * 8);
      assert.ok(s.latency.ttfe.p50 < s.latency.ttft.p50, 'the role-only first chunk is not the first token');
    }));
  test('HTTP 500 → http_5xx', () =>
    withMock('http_500', iterations, (s) =>
      assert.ok(s.errors.http_5xx > 0 && s.errors.http_5xx === s.totals.failures),
    ));
  test('HTTP 429 → rate_limited', () =>
    withMock('rate_limit', iterations, (s) =>
      assert.ok(s.errors.rate_limited > 0 && s.errors.http_4xx === 0),
    ));
  test('reset mid-stream → early_termination', () =>
    withMock('reset', iterations, (s) => assert.ok(s.errors.early_termination > 0)));
  test('in-stream error → stream_error', () =>
    withMock('stream_error', iterations, (s) => assert.ok(s.errors.stream_error > 0)));
  test('stall → timeout', () =>
    withMock('stall', [...iterations, '--first-byte-timeout', '300ms'], (s) =>
      assert.ok(s.errors.timeout > 0 && s.errors.timeout === s.totals.failures),
    ));

  test('non-JSON event data → invalid_json; oversized event → event_too_large', async () => {
    let n = 0;
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      n++;
      if (n % 2 === 0) res.end(`data: not json\n\ndata: [DONE]\n\n`);
      else res.end(`data: {"choices":[{"delta":{"content":"${'x'.repeat(400)}"}}]}\n\ndata: [DONE]\n\n`);
    });
    const url = await listenLocal(server);
    try {
      const r = await runCli([
        'run',
        '--target',
        url,
        '--protocol',
        'openai',
        '--iterations',
        '10',
        '--users',
        '1',
        '--max-event-bytes',
        '300',
        '--out',
        tempDir(),
        '--json-summary',
      ]);
      // Every request failed: exit 1 even without a threshold.
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /no request succeeded \(10 failed\)/);
      assert.equal(r.summary!.errors.invalid_json, 5);
      assert.equal(r.summary!.errors.event_too_large, 5);
    } finally {
      server.close();
    }
  });

  test('a reset connection → connection_error; wrong content type → invalid_response', async () => {
    let connections = 0;
    const net = createNetServer((socket) => {
      connections++;
      if (connections === 1 || connections % 3 === 0) {
        socket.end(
          'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: [DONE]\n\n',
        );
      } else if (connections % 3 === 1)
        socket.end(
          'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}',
        );
      else socket.resetAndDestroy();
    });
    const url = await listenLocal(net);
    try {
      const r = await runCli([
        'run',
        '--target',
        url,
        '--protocol',
        'openai',
        '--iterations',
        '9',
        '--users',
        '1',
        '--out',
        tempDir(),
        '--json-summary',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.summary!.errors.connection_error > 0, JSON.stringify(r.summary!.errors));
      assert.ok(r.summary!.errors.invalid_response > 0, JSON.stringify(r.summary!.errors));
    } finally {
      net.close();
    }
  });

  test('a target that does not stream fails the preflight with exit 2', async () => {
    const server = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
    const url = await listenLocal(server);
    try {
      const r = await runCli([
        'run',
        '--target',
        url,
        '--protocol',
        'openai',
        '--iterations',
        '1',
        '--out',
        tempDir(),
      ]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /did not stream: content type "application\/json"/);
    } finally {
      server.close();
    }
  });
});
