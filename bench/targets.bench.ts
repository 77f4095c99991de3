/**
 * `npm run bench:targets [-- --quick]`: how much load the embedded targets take per core.
 * The workflow server (with its in-process mock LLM) runs in its own child process; the load comes
 * from another child (keep-alive node:http clients). Server CPU is read from /proc, so the
 * "per core" figures divide by the CPU seconds the server actually used.
 *   1. empty workflow, blocking: requests/s and requests per CPU-second of the server;
 *   2. LLM workflow, streaming: SSE events/s and events per CPU-second of the server.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const quick = process.argv.includes('--quick');
const PIN = existsSync('/usr/bin/taskset') && availableParallelism() > 1;
const SELF = fileURLToPath(import.meta.url);
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const TICKS_PER_S = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}

/** Load child: `concurrency` keep-alive loops for `seconds`; prints {requests, events}. */
async function loadChild(
  url: string,
  key: string,
  mode: string,
  concurrency: number,
  seconds: number,
): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const body = JSON.stringify({
    inputs: { query: 'hi', question: 'hi' },
    response_mode: mode,
    user: 'bench',
  });
  const until = Date.now() + seconds * 1000;
  let requests = 0;
  let events = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        },
        (res) => {
          res.on('data', (chunk: Buffer) => {
            for (let i = chunk.indexOf('data:'); i !== -1; i = chunk.indexOf('data:', i + 5)) events++;
          });
          res.on('end', () => {
            requests++;
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) await one();
    }),
  );
  process.send?.({ requests, events });
}

/** Hold child: opens `streams` chat-completion streams at once; prints completions and durations. */
async function holdChild(url: string, streams: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: streams });
  const body = JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
  });
  const durations: number[] = [];
  const ttfbs: number[] = [];
  let events = 0;
  let failed = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = http.request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          if (res.statusCode !== 200) failed++;
          const headersAt = performance.now();
          ttfbs.push(headersAt - started);
          res.on('data', (chunk: Buffer) => {
            for (let i = chunk.indexOf('data:'); i !== -1; i = chunk.indexOf('data:', i + 5)) events++;
          });
          res.on('end', () => {
            // From the response head: the server's pacing, without the client's connect queue.
            if (res.statusCode === 200) durations.push(performance.now() - headersAt);
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });
  await Promise.all(Array.from({ length: streams }, one));
  const at = (list: number[], q: number) => {
    list.sort((a, b) => a - b);
    return list[Math.min(list.length - 1, Math.floor(q * list.length))] ?? 0;
  };
  process.send?.({
    completed: durations.length,
    failed,
    events,
    p50: at(durations, 0.5),
    p99: at(durations, 0.99),
    max: at(durations, 1),
    ttfbP50: at(ttfbs, 0.5),
    ttfbP99: at(ttfbs, 0.99),
  });
}

/** Pins to one core when taskset exists (it execs, so the pid stays the server's). */
function spawnServer(args: string[]): ChildProcess {
  return PIN
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
}

async function startServer(
  kind: 'workflow' | 'llm',
  knobs: string[],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnServer([MAIN, 'serve', kind, '--port', '0', ...knobs]);
  const url = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[^\s,]+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
  });
  return { child, url };
}

async function measure(
  url: string,
  pid: number,
  key: string,
  mode: string,
  concurrency: number,
  seconds: number,
) {
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const loader = fork(SELF, [
    '--load',
    `${url}/v1/workflows/run`,
    key,
    mode,
    String(concurrency),
    String(seconds),
  ]);
  const result = await new Promise<{ requests: number; events: number }>((resolve) =>
    loader.once('message', (m) => resolve(m as never)),
  );
  const wall = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(pid) - cpuBefore;
  return { ...result, wall, cpu };
}

/** N streams at once on the mock LLM alone: does one core hold them, on time? */
async function hold(streams: number, tokens: number, gapMs: number) {
  const { child, url } = await startServer('llm', [
    '--first-token-ms',
    '100',
    '--inter-token-ms',
    String(gapMs),
    '--tokens',
    String(tokens),
  ]);
  try {
    const pid = child.pid as number;
    const cpuBefore = cpuSeconds(pid);
    const started = performance.now();
    const loader = fork(SELF, ['--hold', `${url}/v1/chat/completions`, String(streams)]);
    const result = await new Promise<{
      completed: number;
      failed: number;
      events: number;
      p50: number;
      p99: number;
      max: number;
      ttfbP50: number;
      ttfbP99: number;
    }>((resolve) => loader.once('message', (m) => resolve(m as never)));
    const wall = (performance.now() - started) / 1000;
    return { ...result, wall, cpu: cpuSeconds(pid) - cpuBefore, expectedMs: 100 + (tokens - 1) * gapMs };
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const seconds = quick ? 3 : 10;
  const { child, url } = await startServer('workflow', [
    '--first-token-ms',
    '5',
    '--inter-token-ms',
    '5',
    '--tokens',
    '50',
  ]);
  try {
    const empty = await measure(url, child.pid as number, 'app-empty', 'blocking', 32, seconds);
    const llm = await measure(url, child.pid as number, 'app-llm', 'streaming', 200, seconds);
    console.log(
      `Embedded targets benchmark (Node ${process.version}; server in its own process${PIN ? ' pinned to core 1 (taskset)' : ''}, load from another; ${seconds} s each)\n`,
    );
    console.log('| workload | load | result/s (wall) | server CPU (cores) | per server CPU-second |');
    console.log('|---|---|---|---|---|');
    console.log(
      `| empty workflow, blocking | 32 keep-alive connections | ${(empty.requests / empty.wall).toFixed(0)} req/s | ${(empty.cpu / empty.wall).toFixed(2)} | ${(empty.requests / empty.cpu).toFixed(0)} req |`,
    );
    console.log(
      `| LLM workflow, streaming (50 tokens 5 ms apart) | 200 concurrent streams | ${(llm.events / llm.wall).toFixed(0)} events/s | ${(llm.cpu / llm.wall).toFixed(2)} | ${(llm.events / llm.cpu).toFixed(0)} events |`,
    );
  } finally {
    child.kill('SIGTERM');
  }
  const streams = quick ? 1000 : 5000;
  const held = await hold(streams, 50, 100);
  console.log(
    `\nMock LLM alone, ${streams} concurrent chat-completion streams opened at once (50 tokens, first after 100 ms, then 100 ms apart = ${held.expectedMs} ms each):\n`,
  );
  console.log(
    '| streams completed | failed | events/s (wall) | server CPU (cores) | response head p50 / p99 (connect storm) | body duration p50 / p99 / max | expected |',
  );
  console.log('|---|---|---|---|---|---|---|');
  console.log(
    `| ${held.completed} / ${streams} | ${held.failed} | ${(held.events / held.wall).toFixed(0)} | ${(held.cpu / held.wall).toFixed(2)} | ${held.ttfbP50.toFixed(0)} / ${held.ttfbP99.toFixed(0)} ms | ${held.p50.toFixed(0)} / ${held.p99.toFixed(0)} / ${held.max.toFixed(0)} ms | ${held.expectedMs} ms |`,
  );
}

if (process.argv[2] === '--hold') {
  await holdChild(process.argv[3] as string, Number(process.argv[4]));
  process.exit(0);
} else if (process.argv[2] === '--load') {
  const [, , , url, key, mode, concurrency, seconds] = process.argv;
  await loadChild(url as string, key as string, mode as string, Number(concurrency), Number(seconds));
  process.exit(0);
} else {
  await main();
}
