/**
 * Real hosts, simulated: the master (with the mock LLM) and two workers each in their own network
 * namespace, joined by a bridge the test creates, so the traffic really crosses interfaces. Only
 * the addresses the test gives those namespaces are used (10.201.N.0/24, no address on the host
 * side); everything is removed afterwards. Needs root and iproute2: skipped with a reason otherwise.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAIN, readRun, systemCommand } from '../cli/helpers.ts';

const IP = systemCommand('ip');

const id = process.pid % 10_000;
const subnet = `10.201.${process.pid % 250}`;
const bridge = `slb${id}`;
const hosts = [
  { ns: `sl${id}m`, ip: `${subnet}.1` },
  { ns: `sl${id}a`, ip: `${subnet}.2` },
  { ns: `sl${id}b`, ip: `${subnet}.3` },
];

function ip(...args: string[]): string | null {
  const r = spawnSync(IP, args, { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? null : `ip ${args.join(' ')}: ${r.stderr.trim() || r.error?.message}`;
}

function canUseNetns(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (ip netns)';
  if (spawnSync(IP, ['-V']).status !== 0) return 'needs iproute2 (ip)';
  return false;
}
const skip = canUseNetns();

const children = new Set<ChildProcess>();
function inNamespace(ns: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(IP, ['netns', 'exec', ns, process.execPath, MAIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d;
  });
  const exited = once(child, 'exit').then(([code]) => {
    children.delete(child);
    return { code: code as number | null, stdout, stderr };
  });
  /** Resolves when the child has printed `text` (bounded: 30 s), or rejects when it exits first. */
  const printed = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "${text}" within 30 s: ${stdout}${stderr}`)),
        30_000,
      );
      const check = () => {
        if (!stdout.includes(text)) return;
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve();
      };
      child.stdout!.on('data', check);
      check();
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`exited before printing "${text}": ${stdout}${stderr}`));
      });
    });
  return { exited, printed, stderr: () => stderr };
}

describe('master and two workers on separate network namespaces', { skip, timeout: 240_000 }, () => {
  let out = '';
  before(() => {
    out = mkdtempSync(join(tmpdir(), 'streamload-netns-'));
    const steps: string[][] = [
      ['link', 'add', bridge, 'type', 'bridge'],
      ['link', 'set', bridge, 'up'],
    ];
    hosts.forEach(({ ns, ip: address }, i) => {
      const outside = `slv${id}${i}`;
      const inside = `sli${id}${i}`;
      steps.push(
        ['netns', 'add', ns],
        ['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside],
        ['link', 'set', outside, 'master', bridge],
        ['link', 'set', outside, 'up'],
        ['link', 'set', inside, 'netns', ns],
        ['-n', ns, 'addr', 'add', `${address}/24`, 'dev', inside],
        ['-n', ns, 'link', 'set', inside, 'up'],
        ['-n', ns, 'link', 'set', 'lo', 'up'],
      );
    });
    for (const step of steps) {
      const failed = ip(...step);
      assert.equal(failed, null);
    }
  });
  after(() => {
    for (const child of children) child.kill('SIGKILL');
    for (const { ns } of hosts) ip('netns', 'del', ns);
    ip('link', 'del', bridge);
    rmSync(out, { recursive: true, force: true });
  });

  test('the workers reach the master and the target across the bridge; exact totals', {
    timeout: 200_000,
  }, async () => {
    const [master, a, b] = hosts as [(typeof hosts)[0], (typeof hosts)[0], (typeof hosts)[0]];
    const env = { STREAMLOAD_MASTER_TOKEN: 'netns-test-token' };
    // The master's preflight needs the target up: started together, the master could win the race.
    await inNamespace(master.ns, ['serve', 'llm', '--host', master.ip, '--port', '18080']).printed(
      'mock LLM listening',
    );
    const run = inNamespace(
      master.ns,
      [
        'master',
        '--master-host',
        master.ip,
        '--master-port',
        '5557',
        '--expect-workers',
        '2',
        '--join-timeout',
        '120',
        '--target',
        `http://${master.ip}:18080`,
        '--protocol',
        'openai',
        '--iterations',
        '60',
        '--users',
        '4',
        '--live-interval',
        '1h',
        '--format',
        'json',
        '--out',
        join(out, 'merged'),
      ],
      env,
    );
    // Workers retry reaching the master (--connect-timeout), so they may start right away.
    await sleep(500);
    const workers = [a, b].map((w) =>
      inNamespace(w.ns, ['worker', '--master-host', master.ip, '--master-port', '5557'], env),
    );
    const result = await run.exited;
    assert.equal(result.code, 0, result.stderr);
    const exits = await Promise.all(workers.map((w) => w.exited));
    assert.deepEqual(
      exits.map((e) => e.code),
      [0, 0],
      exits.map((e) => e.stderr).join('\n'),
    );
    const merged = readRun(join(out, 'merged'));
    assert.equal(merged.totals.requests, 60);
    assert.equal(merged.totals.failures, 0);
    assert.equal(merged.partial, null);
    // Each worker's streams really crossed its interface: the host-side veth carried their bytes.
    for (const i of [1, 2]) {
      const sent = Number(readFileSync(`/sys/class/net/slv${id}${i}/statistics/tx_bytes`, 'utf8'));
      assert.ok(sent > 50_000, `worker ${i}: ${sent} bytes through its veth`);
    }
  });
});
