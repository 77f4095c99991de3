/**
 * Scale-out on one machine: events/s and CPU per event of `streamload run --processes 2` against
 * `--processes 1`, with the mock LLM target in its own process (so the generator's cores are not
 * shared with the target's event loop inside one process). CPU is the whole run's process tree
 * (parent + children), read from the kernel's accounting of reaped children.
 *
 *   node bench/scale.bench.ts [--quick] [--users N]
 *
 * On a 2-core machine the target competes for the same cores: the ratio shows what a second
 * generator process buys there, not the ceiling on a bigger machine.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const quick = process.argv.includes('--quick');
const RUN_TIME = quick ? '4s' : '30s';
const usersArg = process.argv.indexOf('--users');
const USERS = usersArg > 0 ? Number(process.argv[usersArg + 1]) : quick ? 40 : 400;
const MAIN = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const NODE = process.execPath;
const TICKS_PER_S = 100; // USER_HZ on Linux

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`target did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

interface Measured {
  readonly processes: number;
  readonly events: number;
  readonly eventsPerS: number;
  readonly cpuMs: number;
  readonly cpuUsPerEvent: number;
  /** Cores used by the generator (all its processes) and by the target, over the run. */
  readonly generatorCores: number;
  readonly targetCores: number;
}

function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_S) * 1000;
}

/**
 * Runs the generator under `sh`, which prints its own /proc stat after the run: its cutime+cstime
 * (fields 16, 17) hold the CPU of every reaped descendant — the run and all its worker processes.
 */
async function measure(
  processes: number,
  target: string,
  targetPid: number,
  protocolArgs: readonly string[],
): Promise<Measured> {
  const targetBefore = processCpuMs(targetPid);
  const started = performance.now();
  const args = [MAIN, 'run', '--target', target, ...protocolArgs, '--users', String(USERS)];
  args.push('--spawn-rate', String(USERS), '--run-time', RUN_TIME, '--processes', String(processes));
  args.push('--json-summary', '--out', `/tmp/streamload-scale-bench-${processes}`);
  const quoted = [NODE, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('sh', ['-c', `${quoted}; code=$?; cat /proc/$$/stat >&2; exit $code`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const [code] = await once(child, 'exit');
  const wallMs = performance.now() - started;
  const targetMs = processCpuMs(targetPid) - targetBefore;
  const statLine = stderr.trim().split('\n').at(-1) ?? '';
  // Fields after the parenthesised command name; cutime and cstime are the 16th and 17th fields.
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[13]) + Number(fields[14]);
  assert.ok(code === 0 || code === 1, `run --processes ${processes} exited ${code}: ${stderr.slice(-2000)}`);
  const summary = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    totals: { events: number };
    durationS: number;
  };
  assert.ok(summary.totals.events > 0, 'the run received events');
  const cpuMs = (cpuTicks / TICKS_PER_S) * 1000;
  return {
    processes,
    events: summary.totals.events,
    eventsPerS: summary.totals.events / summary.durationS,
    cpuMs,
    cpuUsPerEvent: (cpuMs * 1000) / summary.totals.events,
    generatorCores: cpuMs / wallMs,
    targetCores: targetMs / wallMs,
  };
}

/**
 * A target cheap per event: each write carries 10 events (20 writes 10 ms apart), so the generator,
 * which still parses and records every event, is the bottleneck and a second process can show.
 */
function serveBatchedTarget(port: number): void {
  const batch = `data: ${JSON.stringify({ text: 'x'.repeat(40) })}\n\n`.repeat(10);
  const server = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let writes = 0;
    const timer = setInterval(() => {
      res.write(batch);
      if (++writes === 20) {
        clearInterval(timer);
        res.end();
      }
    }, 10);
    res.on('close', () => clearInterval(timer));
  });
  server.keepAliveTimeout = 60_000;
  server.listen({ port, host: '127.0.0.1', backlog: 4096 });
}

interface TargetSetup {
  readonly title: string;
  readonly command: readonly string[];
  readonly protocolArgs: readonly string[];
}

const TARGETS = (port: number): TargetSetup[] => [
  {
    title: 'mock LLM (`serve llm`, one write per event: target and generator both near a core)',
    command: [MAIN, 'serve', 'llm', '--port', String(port)],
    protocolArgs: ['--protocol', 'openai'],
  },
  {
    title: 'batched SSE target (10 events per write: the generator is the bottleneck)',
    command: [fileURLToPath(import.meta.url), '--batched-target', String(port)],
    protocolArgs: ['--protocol', 'sse', '--path', '/stream'],
  },
];

async function benchTarget(setup: TargetSetup, port: number): Promise<void> {
  const target = spawn(NODE, [...setup.command], { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    await waitForPort(port, 10_000);
    const url = `http://127.0.0.1:${port}`;
    const results: Measured[] = [];
    for (const processes of [1, 2]) {
      results.push(await measure(processes, url, target.pid as number, setup.protocolArgs));
    }
    const [one, two] = results as [Measured, Measured];
    console.log(`\n${setup.title}: ${USERS} users, ${RUN_TIME}`);
    console.log('| processes | events | events/s | CPU ms | CPU µs/event | generator cores | target cores |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(
        `| ${r.processes} | ${r.events} | ${r.eventsPerS.toFixed(0)} | ${r.cpuMs.toFixed(0)} | ${r.cpuUsPerEvent.toFixed(2)} | ${r.generatorCores.toFixed(2)} | ${r.targetCores.toFixed(2)} |`,
      );
    }
    console.log(`scaling (events/s, 2 vs 1): ×${(two.eventsPerS / one.eventsPerS).toFixed(2)}`);
  } finally {
    target.kill('SIGTERM');
    await once(target, 'exit');
  }
}

if (process.argv[2] === '--batched-target') {
  serveBatchedTarget(Number(process.argv[3]));
} else {
  const cpus = readFileSync('/proc/cpuinfo', 'utf8').match(/^processor/gm)?.length ?? '?';
  console.log(`streamload scale bench (${quick ? 'quick' : 'full'}), ${cpus} cpus, Node ${process.version}`);
  for (const setup of TARGETS(await freePort())) await benchTarget(setup, Number(setup.command.at(-1)));
}
