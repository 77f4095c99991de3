/**
 * Engine bench (`npm run bench:engine [-- --quick]`): our hot path (undici dispatch → SSE parser →
 * protocol → recorder) against a floor client (raw `http.request`, counting `\n\n`, nothing else),
 * both driving the same SSE target that runs in ANOTHER process. Each client runs in its own child
 * process so `process.cpuUsage` measures only that client.
 *
 * A third client, undici's raw dispatch alone, shows how much of the engine's cost is the library's.
 * Reports events/s and client CPU µs per event at 50 / 500 / 2,000 streams, RSS per open stream
 * with 5,000 slow streams, and TTFE error vs the target's configured first-event delay.
 * Budgets: CPU/event ≤ 2× floor; ≤ 40 KB RSS per stream; TTFE error p99 ≤ 5 ms at 2,000 streams.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { type RequestDeps, sendRequest } from '../src/engine/stream-request.ts';
import { createRecorder } from '../src/metrics/recorder.ts';
import { summarize } from '../src/metrics/summary.ts';
import { createGenericSseProtocol } from '../src/protocols/sse.ts';

const FIRST_EVENT_DELAY_MS = 20;
const EVENT_GAP_MS = 10;
const EVENTS_PER_STREAM = 20;
const SELF = fileURLToPath(import.meta.url);

interface ClientResult {
  events: number;
  cpuUs: number;
  seconds: number;
  rssPerStreamKb?: number;
  ttfeP50?: number;
  ttfeP99?: number;
}

/** Target: `/?events=N&gap=ms` streams N events `gap` ms apart after FIRST_EVENT_DELAY_MS. */
function serveTarget(): void {
  const payload = `data: ${JSON.stringify({ text: 'x'.repeat(40) })}\n\n`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const events = Number(url.searchParams.get('events') ?? EVENTS_PER_STREAM);
    const gap = Number(url.searchParams.get('gap') ?? EVENT_GAP_MS);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let sent = 0;
    const send = (): void => {
      if (res.destroyed) return;
      res.write(payload);
      if (++sent >= events) res.end();
      else setTimeout(send, gap);
    };
    setTimeout(send, FIRST_EVENT_DELAY_MS);
  });
  server.keepAliveTimeout = 60_000;
  server.maxConnections = 20_000;
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => {
    const address = server.address();
    if (address !== null && typeof address === 'object') process.send?.({ port: address.port });
  });
  process.on('disconnect', () => process.exit(0));
}

/** Peak RSS growth while the client runs, sampled every 200 ms. */
function trackRss(): () => number {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 200);
  return () => {
    clearInterval(timer);
    return peak - before;
  };
}

function percentile(sorted: readonly number[], q: number): number | undefined {
  return sorted.length === 0 ? undefined : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Engine client: `streams` closed loops of whole streams for `seconds`. */
async function runEngine(
  port: number,
  streams: number,
  seconds: number,
  query: string,
): Promise<ClientResult> {
  const recorder = createRecorder();
  const deps: RequestDeps = {
    dispatcher: new Agent({ connections: null, keepAliveTimeout: 30_000, bodyTimeout: 0, headersTimeout: 0 }),
    origin: `http://127.0.0.1:${port}`,
    recorder,
    maxEventBytes: 1024 * 1024,
    maxBodyBytes: 8 << 20,
    idleTimeoutMs: 60_000,
    inFlight: new Set(),
  };
  const protocol = createGenericSseProtocol({ path: `/?${query}` });
  const request = protocol.buildRequest({
    question: '',
    inputs: {},
    user: 'bench',
    responseMode: 'streaming',
  });
  const rssGrowth = trackRss();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const endAt = start + seconds * 1000;
  const loop = async (): Promise<void> => {
    do await sendRequest(deps, request, { stream: true, protocol });
    while (performance.now() < endAt);
  };
  await Promise.all(Array.from({ length: streams }, loop));
  const used = process.cpuUsage(cpu);
  const rss = rssGrowth();
  const summary = summarize(recorder.snapshot());
  const ttfe = summary.latency.ttfe;
  return {
    events: summary.totals.events,
    cpuUs: used.user + used.system,
    seconds: (performance.now() - start) / 1000,
    rssPerStreamKb: rss / 1024 / streams,
    ...(ttfe === undefined ? {} : { ttfeP50: ttfe.p50, ttfeP99: ttfe.p99 }),
  };
}

/** Floor client: the least a Node client can do — raw http.request, count `\n\n`, time the first. */
async function runFloor(
  port: number,
  streams: number,
  seconds: number,
  query: string,
): Promise<ClientResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: streams });
  let events = 0;
  const ttfes: number[] = [];
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      let first = true;
      const req = http.get({ host: '127.0.0.1', port, path: `/?${query}`, agent }, (res) => {
        res.on('data', (chunk: Buffer) => {
          let at = chunk.indexOf('\n\n');
          if (first && at !== -1) {
            ttfes.push(performance.now() - started);
            first = false;
          }
          while (at !== -1) {
            events++;
            at = chunk.indexOf('\n\n', at + 2);
          }
        });
        res.on('end', resolve);
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  const rssGrowth = trackRss();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const endAt = start + seconds * 1000;
  const loop = async (): Promise<void> => {
    do await one();
    while (performance.now() < endAt);
  };
  await Promise.all(Array.from({ length: streams }, loop));
  const used = process.cpuUsage(cpu);
  const rss = rssGrowth();
  agent.destroy();
  ttfes.sort((a, b) => a - b);
  const p50 = percentile(ttfes, 0.5);
  const p99 = percentile(ttfes, 0.99);
  return {
    events,
    cpuUs: used.user + used.system,
    seconds: (performance.now() - start) / 1000,
    rssPerStreamKb: rss / 1024 / streams,
    ...(p50 === undefined ? {} : { ttfeP50: p50, ttfeP99: p99 ?? p50 }),
  };
}

/**
 * Library floor: undici's raw dispatch (what the engine is built on) counting `\n\n`, no parser,
 * no metrics. Separates undici's own cost from ours.
 */
async function runUndici(
  port: number,
  streams: number,
  seconds: number,
  query: string,
): Promise<ClientResult> {
  const dispatcher = new Agent({
    connections: null,
    keepAliveTimeout: 30_000,
    bodyTimeout: 0,
    headersTimeout: 0,
  });
  let events = 0;
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      dispatcher.dispatch(
        { origin: `http://127.0.0.1:${port}`, path: `/?${query}`, method: 'GET' },
        {
          onRequestStart() {},
          onResponseStart() {},
          onResponseData(_c, chunk) {
            let at = chunk.indexOf('\n\n');
            while (at !== -1) {
              events++;
              at = chunk.indexOf('\n\n', at + 2);
            }
          },
          onResponseEnd: () => resolve(),
          onResponseError: (_c, error) => reject(error),
        },
      );
    });
  const rssGrowth = trackRss();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const endAt = start + seconds * 1000;
  const loop = async (): Promise<void> => {
    do await one();
    while (performance.now() < endAt);
  };
  await Promise.all(Array.from({ length: streams }, loop));
  const used = process.cpuUsage(cpu);
  const rss = rssGrowth();
  await dispatcher.close();
  return {
    events,
    cpuUs: used.user + used.system,
    seconds: (performance.now() - start) / 1000,
    rssPerStreamKb: rss / 1024 / streams,
  };
}

function spawnChild(args: string[]): ChildProcess {
  return fork(SELF, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

async function inChild(args: string[]): Promise<ClientResult> {
  const child = spawnChild(args);
  const [message] = (await once(child, 'message')) as [ClientResult];
  child.kill();
  return message;
}

/** Measured TTFE minus the target's configured first-event delay, p50 / p99. */
function ttfeError(r: ClientResult): string {
  if (r.ttfeP50 === undefined) return 'n/a';
  return `${(r.ttfeP50 - FIRST_EVENT_DELAY_MS).toFixed(2)} / ${((r.ttfeP99 ?? 0) - FIRST_EVENT_DELAY_MS).toFixed(2)}`;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const target = spawnChild(['--target']);
  try {
    const [{ port }] = (await once(target, 'message')) as [{ port: number }];
    const seconds = quick ? 1 : 5;
    const levels = quick ? [50, 200] : [50, 500, 2000];
    const query = `events=${EVENTS_PER_STREAM}&gap=${EVENT_GAP_MS}`;
    console.log(
      `target: ${EVENTS_PER_STREAM} events ${EVENT_GAP_MS} ms apart, first after ${FIRST_EVENT_DELAY_MS} ms; ${seconds} s per level${quick ? ' (quick)' : ''}`,
    );
    console.log('streams  client  events/s   CPU µs/event  ratio  TTFE err p50/p99 ms');
    for (const streams of levels) {
      const args = [String(port), String(streams), String(seconds), query];
      const floor = await inChild(['--floor', ...args]);
      const undici = await inChild(['--undici', ...args]);
      const engine = await inChild(['--engine', ...args]);
      const floorCpu = floor.cpuUs / Math.max(1, floor.events);
      const engineCpu = engine.cpuUs / Math.max(1, engine.events);
      const row = (name: string, r: ClientResult, cpu: number, ratio: string): string =>
        `${String(streams).padStart(7)}  ${name.padEnd(6)}  ${(r.events / r.seconds).toFixed(0).padStart(8)}   ${cpu.toFixed(2).padStart(12)}  ${ratio.padStart(5)}  ${ttfeError(r)}`;
      console.log(row('floor', floor, floorCpu, ''));
      const undiciCpu = undici.cpuUs / Math.max(1, undici.events);
      console.log(row('undici', undici, undiciCpu, (undiciCpu / floorCpu).toFixed(2)));
      console.log(row('engine', engine, engineCpu, (engineCpu / floorCpu).toFixed(2)));
    }
    // Memory: many slow streams held open (one event per second) for the whole measurement.
    const slow = quick ? 500 : 5000;
    const holdArgs = [String(port), String(slow), quick ? '2' : '6', 'events=3&gap=1000'];
    const floorHeld = await inChild(['--floor', ...holdArgs]);
    const undiciHeld = await inChild(['--undici', ...holdArgs]);
    const held = await inChild(['--engine', ...holdArgs]);
    const kb = (r: ClientResult) => `${(r.rssPerStreamKb ?? 0).toFixed(1)} KB`;
    console.log(
      `RSS per open stream (${slow} slow streams): engine ${kb(held)}, undici alone ${kb(undiciHeld)}, node:http floor ${kb(floorHeld)} (budget 40 KB)`,
    );
    console.log('budgets: CPU/event ratio ≤ 2; TTFE error p99 ≤ 5 ms at 2,000 streams');
  } finally {
    target.kill();
  }
}

const mode = process.argv[2];
if (mode === '--target') serveTarget();
else if (mode === '--engine' || mode === '--floor' || mode === '--undici') {
  const [port, streams, seconds, query] = process.argv.slice(3);
  const run = mode === '--engine' ? runEngine : mode === '--undici' ? runUndici : runFloor;
  run(Number(port), Number(streams), Number(seconds), query ?? '').then(
    (result) => process.send?.(result),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else await main();
