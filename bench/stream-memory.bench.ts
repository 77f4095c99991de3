/**
 * Retained memory per open stream (`npm run bench:memory`): 5,000 slow streams held open, heap
 * measured after a forced GC, for undici's raw dispatch alone and for the engine's hot path
 * (undici + SSE parser + protocol + recorder). The difference is what streamload itself keeps per
 * stream. The SSE server runs in the same process, so its per-connection cost is in both numbers.
 *
 *   node --expose-gc bench/stream-memory.bench.ts [--quick]
 */

import { fork } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { type RequestDeps, sendRequest } from '../src/engine/stream-request.ts';
import { createRecorder } from '../src/metrics/recorder.ts';
import { createGenericSseProtocol } from '../src/protocols/sse.ts';

const quick = process.argv.includes('--quick');
const STREAMS = quick ? 1000 : 5000;
const HOLD_MS = 4000;

interface Measured {
  readonly heapKb: number;
  readonly externalKb: number;
  readonly rssKb: number;
}

async function measure(client: 'undici' | 'engine'): Promise<Measured> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"text":"hello"}\n\n');
    setTimeout(() => res.end('data: bye\n\n'), HOLD_MS);
  });
  server.listen({ port: 0, host: '127.0.0.1', backlog: 8192 });
  await new Promise((resolve) => server.once('listening', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dispatcher = new Agent({
    connections: null,
    keepAliveTimeout: 30_000,
    bodyTimeout: 0,
    headersTimeout: 0,
  });
  globalThis.gc?.();
  const before = process.memoryUsage();
  const open: Promise<unknown>[] = [];
  if (client === 'engine') {
    const deps: RequestDeps = {
      dispatcher,
      origin,
      recorder: createRecorder(),
      maxEventBytes: 1 << 20,
      maxBodyBytes: 8 << 20,
      idleTimeoutMs: 60_000,
      inFlight: new Set(),
    };
    const protocol = createGenericSseProtocol({ path: '/' });
    const request = protocol.buildRequest({
      question: '',
      inputs: {},
      user: 'bench',
      responseMode: 'streaming',
    });
    for (let i = 0; i < STREAMS; i++) open.push(sendRequest(deps, request, { stream: true, protocol }));
  } else {
    for (let i = 0; i < STREAMS; i++) {
      open.push(
        new Promise<void>((resolve) =>
          dispatcher.dispatch(
            { origin, path: '/', method: 'GET' },
            {
              onRequestStart() {},
              onResponseStart() {},
              onResponseData() {},
              onResponseEnd: () => resolve(),
              onResponseError: () => resolve(),
            },
          ),
        ),
      );
    }
  }
  await new Promise((resolve) => setTimeout(resolve, HOLD_MS / 2));
  globalThis.gc?.();
  const held = process.memoryUsage();
  await Promise.all(open);
  const kb = (bytes: number) => bytes / 1024 / STREAMS;
  return {
    heapKb: kb(held.heapUsed - before.heapUsed),
    externalKb: kb(held.external + held.arrayBuffers - before.external - before.arrayBuffers),
    rssKb: kb(held.rss - before.rss),
  };
}

const mode = process.argv[2];
if (mode === '--undici' || mode === '--engine') {
  process.send?.(await measure(mode === '--engine' ? 'engine' : 'undici'));
  process.exit(0);
}
// Each client in a fresh process, so neither inherits the other's heap.
const self = fileURLToPath(import.meta.url);
const run = (flag: string) =>
  new Promise<Measured>((resolve, reject) => {
    const child = fork(self, [flag], { execArgv: ['--expose-gc'] });
    child.once('message', (m) => resolve(m as Measured));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`${flag} exited ${code}`))));
  });
const undici = await run('--undici');
const engine = await run('--engine');
console.log(`Retained memory per open stream, ${STREAMS} streams held open (server in the same process)\n`);
console.log('| client | heap KB/stream | external KB/stream | RSS KB/stream |');
console.log('|---|---|---|---|');
for (const [name, m] of [
  ['undici raw dispatch', undici],
  ['engine hot path', engine],
] as const) {
  console.log(`| ${name} | ${m.heapKb.toFixed(2)} | ${m.externalKb.toFixed(2)} | ${m.rssKb.toFixed(1)} |`);
}
console.log(
  `\nstreamload's own retained heap per open stream: ${(engine.heapKb - undici.heapKb).toFixed(2)} KB`,
);
