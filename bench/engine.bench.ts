/**
 * Engine bench (`npm run bench:engine [-- --quick] [--seconds S] [--repeat N] [--levels 50,500]
 * [--source] [--hot-path]`): the real CLI against the floor client, whole process for both, driving
 * the same SSE target in ANOTHER process, in the same bench run.
 *
 * - floor: bench/floor-client.mjs, raw `http.request` with keep-alive counting `\n\n`, nothing else;
 * - cli: `streamload run --protocol sse` (compiled to .tmp/bench-cli as published installs run it;
 *   `--source` runs src/ instead), live view on, per-second work, reports written, exit.
 * Each is a process of its own whose CPU (user + system) and peak RSS over its whole life are
 * written at exit by the bench/process-usage.mjs preload: start-up is counted, as a user pays it.
 *
 * Reports CPU µs per event at 50 / 500 / 2,000 streams (median of `--repeat` runs, order of the two
 * clients alternated), each process's fixed cost (a one-request run), and RSS per open stream as
 * the slope of peak RSS between two counts of slow streams held open.
 * Budgets (issue 15): CPU/event ≤ 1.0× floor at every level; RSS per open stream ≤ 1.1× floor.
 * `--compare DIST/cli/main.js` adds another build of the CLI (before a change) to the same runs;
 * `--no-rss` skips the memory part. `--hot-path` adds the old in-process rows: the engine's hot path alone and undici's raw dispatch.
 */
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
const FLOOR_CLIENT = fileURLToPath(new URL('./floor-client.mjs', import.meta.url));
const USAGE_PRELOAD = fileURLToPath(new URL('./process-usage.mjs', import.meta.url));
const WORK = join(tmpdir(), `streamload-bench-engine-${process.pid}`);
let processes = 0;

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

/** Whole-process CPU and peak RSS of one client process, with what it printed on stdout. */
interface ProcessUsage {
  readonly cpuUs: number;
  readonly maxRssKb: number;
  readonly stdout: string;
}

async function runProcess(args: readonly string[]): Promise<ProcessUsage> {
  const file = join(WORK, `usage-${process.pid}-${++processes}.json`);
  const child = spawn(process.execPath, ['--import', USAGE_PRELOAD, ...args], {
    env: { ...process.env, STREAMLOAD_BENCH_USAGE: file },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${args.slice(0, 2).join(' ')} exited ${code}: ${stderr}`);
  const usage = JSON.parse(readFileSync(file, 'utf8')) as { cpuUs: number; maxRssKb: number };
  rmSync(file, { force: true });
  return { ...usage, stdout };
}

interface Measured {
  readonly events: number;
  readonly cpuUs: number;
  readonly maxRssKb: number;
  readonly seconds: number;
}

async function floorProcess(
  port: number,
  streams: number,
  seconds: number,
  query: string,
): Promise<Measured> {
  const t0 = performance.now();
  const run = await runProcess([FLOOR_CLIENT, String(port), String(streams), String(seconds), query]);
  const { events } = JSON.parse(run.stdout) as { events: number };
  return { events, cpuUs: run.cpuUs, maxRssKb: run.maxRssKb, seconds: (performance.now() - t0) / 1000 };
}

/**
 * The real CLI, as a user runs it: `streamload run` with its live view (on by default), the
 * per-second work, the reports it writes at the end and its exit, against the same target.
 */
async function cliProcess(
  cli: string,
  port: number,
  streams: number,
  seconds: number,
  query: string,
  extra: readonly string[] = [],
): Promise<Measured> {
  const t0 = performance.now();
  const run = await runProcess([
    cli,
    'run',
    '--target',
    `http://127.0.0.1:${port}`,
    '--protocol',
    'sse',
    '--path',
    `/?${query}`,
    '--users',
    String(streams),
    '--spawn-rate',
    String(streams),
    '--out',
    join(WORK, 'reports'),
    '--json-summary',
    ...(extra.length > 0 ? extra : ['--run-time', `${seconds}s`]),
  ]);
  const last = run.stdout.trimEnd().split('\n').at(-1) ?? '{}';
  const summary = JSON.parse(last) as { totals: { events: number } };
  return {
    events: summary.totals.events,
    cpuUs: run.cpuUs,
    maxRssKb: run.maxRssKb,
    seconds: (performance.now() - t0) / 1000,
  };
}

/**
 * The CLI as published runs compiled JavaScript (bin/streamload.js prefers dist/): build it into
 * .tmp/ so the bench measures that, not Node's type stripping of every source file at start-up.
 */
function buildCli(): string {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const out = join(root, '.tmp', 'bench-cli');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = spawnSync(
    process.execPath,
    [
      tsc,
      '-p',
      join(root, 'tsconfig.build.json'),
      '--outDir',
      join(out, 'dist'),
      '--declaration',
      'false',
      '--sourceMap',
      'false',
    ],
    { stdio: 'inherit' },
  );
  if (build.status !== 0) throw new Error('tsc failed: cannot build the CLI to measure');
  // report/validate.ts reads ../../schemas from dist/report/.
  if (!existsSync(join(out, 'schemas'))) symlinkSync(join(root, 'schemas'), join(out, 'schemas'));
  return join(out, 'dist', 'cli', 'main.js');
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : (process.argv[at + 1] ?? fallback);
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const seconds = Number(option('--seconds', quick ? '3' : '15'));
  const repeats = Number(option('--repeat', quick ? '1' : '3'));
  const levels = option('--levels', quick ? '50,200' : '50,500,2000')
    .split(',')
    .map(Number);
  const cli = process.argv.includes('--source')
    ? fileURLToPath(new URL('../src/cli/main.ts', import.meta.url))
    : buildCli();
  // `--compare DIST/cli/main.js`: another build of the CLI (e.g. before a change) measured in the same runs.
  const compare = option('--compare', '');
  mkdirSync(WORK, { recursive: true });
  const target = spawnChild(['--target']);
  try {
    const [{ port }] = (await once(target, 'message')) as [{ port: number }];
    const query = `events=${EVENTS_PER_STREAM}&gap=${EVENT_GAP_MS}`;
    console.log(
      `target (own process): ${EVENTS_PER_STREAM} events of ~50 B, ${EVENT_GAP_MS} ms apart, first after ${FIRST_EVENT_DELAY_MS} ms`,
    );
    console.log(
      `clients: floor = bench/floor-client.mjs; cli = \`streamload run\` (${cli.endsWith('.ts') ? 'source' : 'compiled'}, live view on, reports written); whole-process CPU (process.resourceUsage at exit); ${seconds} s per run, ${repeats} run(s) per level, medians`,
    );
    // Fixed cost: start-up, preflight, one request, reports and exit — what a run pays before its first event.
    const fixedCli: number[] = [];
    const fixedFloor: number[] = [];
    const rows = new Map<
      number,
      {
        floor: number[];
        cli: number[];
        ratio: number[];
        floorRate: number[];
        cliRate: number[];
        compare: number[];
      }
    >();
    for (let r = 0; r < repeats; r++) {
      fixedFloor.push((await floorProcess(port, 1, 0, 'events=1&gap=1')).cpuUs);
      fixedCli.push((await cliProcess(cli, port, 1, 0, 'events=1&gap=1', ['--iterations', '1'])).cpuUs);
      for (const streams of levels) {
        // Alternate the order so a noisy neighbour does not always hit the same client.
        const pair =
          r % 2 === 0
            ? [
                await floorProcess(port, streams, seconds, query),
                await cliProcess(cli, port, streams, seconds, query),
              ]
            : [
                await cliProcess(cli, port, streams, seconds, query),
                await floorProcess(port, streams, seconds, query),
              ].reverse();
        const [floor, engine] = pair as [Measured, Measured];
        const row = rows.get(streams) ?? {
          floor: [],
          cli: [],
          ratio: [],
          floorRate: [],
          cliRate: [],
          compare: [],
        };
        const f = floor.cpuUs / Math.max(1, floor.events);
        const c = engine.cpuUs / Math.max(1, engine.events);
        row.floor.push(f);
        row.cli.push(c);
        row.ratio.push(c / f);
        row.floorRate.push(floor.events / seconds);
        row.cliRate.push(engine.events / seconds);
        rows.set(streams, row);
        let other = '';
        if (compare !== '') {
          const before = await cliProcess(compare, port, streams, seconds, query);
          const b = before.cpuUs / Math.max(1, before.events);
          row.compare.push(b / f);
          other = `, compared cli ${b.toFixed(2)} µs/event (${before.events} events), ratio ${(b / f).toFixed(2)}`;
        }
        console.log(
          `  run ${r + 1} ${String(streams).padStart(5)} streams: floor ${f.toFixed(2)} µs/event (${floor.events} events), cli ${c.toFixed(2)} µs/event (${engine.events} events), ratio ${(c / f).toFixed(2)}${other}`,
        );
      }
    }
    console.log(
      `fixed cost per process (median): floor ${(median(fixedFloor) / 1000).toFixed(0)} ms CPU, cli ${(median(fixedCli) / 1000).toFixed(0)} ms CPU (start-up, preflight, 1 request, reports, exit)`,
    );
    console.log('streams  floor ev/s  cli ev/s  floor µs/ev  cli µs/ev  ratio (median)  runs  budget ≤ 1.00');
    for (const [streams, row] of rows) {
      const ratio = median(row.ratio);
      console.log(
        `${String(streams).padStart(7)}  ${median(row.floorRate).toFixed(0).padStart(10)}  ${median(row.cliRate).toFixed(0).padStart(8)}  ${median(row.floor).toFixed(2).padStart(11)}  ${median(row.cli).toFixed(2).padStart(9)}  ${ratio.toFixed(2).padStart(14)}  ${row.ratio.map((x) => x.toFixed(2)).join(' ')}  ${ratio <= 1 ? 'met' : 'OVER'}${row.compare.length === 0 ? '' : `  compared cli: ratio ${median(row.compare).toFixed(2)} (${row.compare.map((x) => x.toFixed(2)).join(' ')})`}`,
      );
    }
    // Memory: slow streams held open (one event a second); the slope between two stream counts is
    // what one more open stream costs, whatever each process holds before its first stream.
    const [low, high] = quick ? [200, 800] : [1000, 4000];
    const hold = 'events=3&gap=1000';
    const holdSeconds = quick ? 3 : 5;
    const slope = async (client: (n: number) => Promise<Measured>): Promise<number[]> => {
      const out: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const a = await client(low);
        const b = await client(high);
        out.push((b.maxRssKb - a.maxRssKb) / (high - low));
      }
      return out;
    };
    if (process.argv.includes('--no-rss')) return;
    const floorKb = await slope((n) => floorProcess(port, n, holdSeconds, hold));
    const cliKb = await slope((n) => cliProcess(cli, port, n, holdSeconds, hold));
    const rss = median(cliKb) / median(floorKb);
    console.log(
      `RSS per open stream (peak RSS slope ${low} → ${high} slow streams): floor ${median(floorKb).toFixed(1)} KB [${floorKb.map((x) => x.toFixed(1)).join(' ')}], cli ${median(cliKb).toFixed(1)} KB [${cliKb.map((x) => x.toFixed(1)).join(' ')}], ratio ${rss.toFixed(2)} (budget ≤ 1.10: ${rss <= 1.1 ? 'met' : 'OVER'})`,
    );
    if (compare !== '') {
      const otherKb = await slope((n) => cliProcess(compare, port, n, holdSeconds, hold));
      console.log(
        `  compared cli: ${median(otherKb).toFixed(1)} KB [${otherKb.map((x) => x.toFixed(1)).join(' ')}], ratio ${(median(otherKb) / median(floorKb)).toFixed(2)}`,
      );
    }
    if (process.argv.includes('--hot-path')) await hotPath(port, quick);
  } finally {
    target.kill();
    rmSync(WORK, { recursive: true, force: true });
  }
}

/** The hot path alone, in-process (undici dispatch → parser → protocol → recorder), as before. */
async function hotPath(port: number, quick: boolean): Promise<void> {
  const seconds = quick ? 1 : 5;
  const levels = quick ? [50, 200] : [50, 500, 2000];
  const query = `events=${EVENTS_PER_STREAM}&gap=${EVENT_GAP_MS}`;
  console.log('hot path only (no start-up, no per-second work):');
  console.log('streams  client  events/s   CPU µs/event  ratio  TTFE err p50/p99 ms');
  for (const streams of levels) {
    const args = [String(port), String(streams), String(seconds), query];
    const floor = await inChild(['--floor', ...args]);
    const undici = await inChild(['--undici', ...args]);
    const engine = await inChild(['--engine', ...args]);
    const floorCpu = floor.cpuUs / Math.max(1, floor.events);
    const row = (name: string, r: ClientResult): string => {
      const cpu = r.cpuUs / Math.max(1, r.events);
      const ratio = r === floor ? '' : (cpu / floorCpu).toFixed(2);
      return `${String(streams).padStart(7)}  ${name.padEnd(6)}  ${(r.events / r.seconds).toFixed(0).padStart(8)}   ${cpu.toFixed(2).padStart(12)}  ${ratio.padStart(5)}  ${ttfeError(r)}`;
    };
    console.log(row('floor', floor));
    console.log(row('undici', undici));
    console.log(row('engine', engine));
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
