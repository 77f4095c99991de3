/**
 * The master port attacked over real WebSocket on 127.0.0.1: no token, a wrong token, a browser
 * Origin, a 1 MB message before the hello. None may receive a message (no assign, no key); the
 * master's memory stays flat. Then a real worker with the token runs the share, and a worker fed
 * a malformed message by a fake master exits 2 with one clear line.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { PROTOCOL_VERSION } from '../../src/distributed/protocol.ts';
import { VERSION } from '../../src/version.ts';
import { MAIN, runCli, tempDir } from '../cli/helpers.ts';

const TOKEN = 'm4ster-t0ken';
const KEY = 'sk-operator-key';

interface Cli {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}
const children = new Set<ChildProcess>();
function cli(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, [MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = once(child, 'exit').then(([code]) => {
    children.delete(child);
    return code as number | null;
  });
  return { child, output: () => output, exited };
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const rssKb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);

const hello = (token?: string) =>
  JSON.stringify({
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    version: VERSION,
    host: 'attacker',
    pid: 1,
    ...(token === undefined ? {} : { token }),
  });

/**
 * Connects as a hostile client, sends `first` (if any), and reports every message received
 * until the connection closes (bounded).
 */
async function probe(
  port: number,
  first: string | Buffer | undefined,
  headers: Record<string, string> = {},
): Promise<{ messages: string[]; closed: boolean; refused: boolean }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/`, { headers });
  const messages: string[] = [];
  socket.on('message', (data: RawData) => messages.push(String(data)));
  const opened = await Promise.race([
    once(socket, 'open').then(() => true),
    once(socket, 'error').then(() => false),
    once(socket, 'unexpected-response').then(() => false),
  ]);
  if (!opened) {
    socket.terminate();
    return { messages, closed: true, refused: true };
  }
  const closed = once(socket, 'close').then(() => true);
  if (first !== undefined) socket.send(first, (err) => err && socket.terminate());
  const result = await Promise.race([closed, sleep(8000).then(() => false)]);
  socket.terminate();
  return { messages, closed: result, refused: false };
}

describe('master port against hostile clients', { timeout: 120_000 }, () => {
  let target: Server;
  let targetUrl = '';
  const authorizations: string[] = [];
  let master: Cli;
  let port = 0;
  const out = join(tempDir(), 'out');

  before(async () => {
    target = createServer((req, res) => {
      authorizations.push(req.headers.authorization ?? '');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('event: done\ndata: {}\n\n');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    master = cli(
      [
        'master',
        '--expect-workers',
        '1',
        '--master-port',
        '0',
        '--target',
        targetUrl,
        '--protocol',
        'sse',
        '--terminal-event',
        'done',
        '--users',
        '1',
        '--run-time',
        '2s',
        '--out',
        out,
        '--json-summary',
      ],
      { STREAMLOAD_MASTER_TOKEN: TOKEN, STREAMLOAD_API_KEY: KEY },
    );
    port = await until('the master port', () => {
      const match = /listening for workers on 127\.0\.0\.1:(\d+)/.exec(master.output());
      return match === null ? undefined : Number(match[1]);
    });
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await new Promise<void>((resolve) => target.close(() => resolve()));
  });

  test('no token, a wrong token, a non-hello first message: closed, nothing received', async () => {
    for (const first of [
      hello(),
      hello('wrong-token'),
      hello(`${TOKEN}x`),
      '{"type":"snapshot","snapshot":{}}',
      'not json',
    ]) {
      const r = await probe(port, first);
      assert.equal(r.closed, true, `${first.slice(0, 60)}: left open`);
      assert.deepEqual(
        r.messages,
        [],
        `${first.slice(0, 60)}: received ${r.messages.join('\n').slice(0, 300)}`,
      );
    }
    // Silence is no way in either.
    const silent = await probe(port, undefined);
    assert.equal(silent.closed, true, 'a silent client is closed');
    assert.deepEqual(silent.messages, []);
  });

  test('a browser Origin is refused even with the right token', async () => {
    const r = await probe(port, hello(TOKEN), { origin: 'http://evil.example' });
    assert.ok(r.refused || r.closed);
    assert.deepEqual(r.messages, []);
  });

  test('1 MB before the hello closes the connection; the master RSS stays within 50 MB', async (t) => {
    const pid = master.child.pid!;
    const start = rssKb(pid);
    const big = Buffer.alloc(1024 * 1024, 'a');
    const results = await Promise.all(Array.from({ length: 10 }, () => probe(port, big)));
    for (const r of results) {
      assert.equal(r.closed, true);
      assert.deepEqual(r.messages, []);
    }
    const grownMb = (rssKb(pid) - start) / 1024;
    t.diagnostic(`master RSS ${(start / 1024).toFixed(1)} MB → +${grownMb.toFixed(1)} MB after 10 × 1 MB`);
    assert.ok(grownMb < 50, `master RSS grew ${grownMb.toFixed(1)} MB`);
    assert.ok(!master.output().includes(KEY));
  });

  test('a worker with the token gets its share and uses its own STREAMLOAD_API_KEY', async () => {
    const before = authorizations.length; // the master's own preflight
    const worker = cli(['worker', '--master-host', '127.0.0.1', '--master-port', String(port)], {
      STREAMLOAD_MASTER_TOKEN: TOKEN,
      STREAMLOAD_API_KEY: 'sk-worker-own',
    });
    assert.equal(await worker.exited, 0, worker.output());
    assert.equal(await master.exited, 0, master.output());
    assert.ok(authorizations.length > before, 'the worker sent the load');
    assert.ok(authorizations.slice(0, before).every((a) => a === `Bearer ${KEY}`));
    assert.ok(authorizations.slice(before).every((a) => a === 'Bearer sk-worker-own'));
    for (const text of [
      master.output(),
      worker.output(),
      ...readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')),
    ]) {
      assert.ok(!text.includes(KEY) && !text.includes(TOKEN), 'no key or token in any output or report');
    }
    const placement = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config.placement;
    assert.equal(placement.token, '***');
  });
});

describe('master and worker options', { timeout: 60_000 }, () => {
  test('a master on a non-loopback address needs a token (exit 2)', async () => {
    const r = await runCli([
      'master',
      '--expect-workers',
      '1',
      '--master-host',
      '0.0.0.0',
      '--master-port',
      '0',
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--master-token/);
  });

  test('a worker with a wrong token exits 2 with a clear line', async () => {
    const master = cli(['master', '--expect-workers', '1', '--master-port', '0', '--master-token', TOKEN]);
    const port = await until('the master port', () => {
      const match = /listening for workers on 127\.0\.0\.1:(\d+)/.exec(master.output());
      return match === null ? undefined : Number(match[1]);
    });
    const worker = cli([
      'worker',
      '--master-host',
      '127.0.0.1',
      '--master-port',
      String(port),
      '--master-token',
      'nope',
    ]);
    assert.equal(await worker.exited, 2, worker.output());
    assert.match(worker.output(), /token/);
    master.child.kill('SIGTERM');
  });

  test('a malformed message from the master ends the worker with exit 2 and one line', async () => {
    const bad: unknown[] = [
      { type: 'assign', config: { users: 1 }, share: 'all of it' },
      {
        type: 'assign',
        config: 'x',
        share: { index: 0, of: 1, users: 1, spawnRate: 1, rate: null, iterations: null },
      },
      { type: 'reshare', share: { users: -1 } },
      { type: 'stop', mode: 'now' },
      'not json',
    ];
    for (const message of bad) {
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await once(server, 'listening');
      server.on('connection', (socket) => {
        socket.once('message', () => {
          socket.send(
            JSON.stringify({ type: 'welcome', protocol: PROTOCOL_VERSION, version: VERSION, workerId: 'w1' }),
          );
          socket.send(typeof message === 'string' ? message : JSON.stringify(message));
        });
      });
      const fakePort = (server.address() as AddressInfo).port;
      const worker = cli(['worker', '--master-host', '127.0.0.1', '--master-port', String(fakePort)]);
      const code = await Promise.race([worker.exited, sleep(20_000).then(() => 'timeout')]);
      worker.child.kill('SIGKILL');
      server.close();
      assert.equal(code, 2, `${JSON.stringify(message)}: ${worker.output()}`);
      assert.match(worker.output(), /invalid message from the master/);
    }
  });
});
