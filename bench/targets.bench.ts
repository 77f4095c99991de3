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

async function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const args = [
    MAIN,
    'serve',
    'workflow',
    '--port',
    '0',
    '--first-token-ms',
    '5',
    '--inter-token-ms',
    '5',
    '--tokens',
    '50',
  ];
  // Pin the server to one core when taskset exists (it execs, so the pid stays the server's).
  const child = PIN
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (\S+)/.exec(out);
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

async function main(): Promise<void> {
  const seconds = quick ? 3 : 10;
  const { child, url } = await startServer();
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
}

if (process.argv[2] === '--load') {
  const [, , , url, key, mode, concurrency, seconds] = process.argv;
  await loadChild(url as string, key as string, mode as string, Number(concurrency), Number(seconds));
  process.exit(0);
} else {
  await main();
}
