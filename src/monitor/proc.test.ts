import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ancestry,
  commandRoots,
  cpuPercent,
  parseRss,
  parseStat,
  pidRoots,
  processSampler,
  processTree,
} from './proc.ts';

const stat = (pid: number, name: string, ppid: number, utime: number, stime: number) =>
  `${pid} (${name}) S ${ppid} 1 1 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 100 1000 50`;

test('parseStat reads ppid and CPU ticks after the last parenthesis of the name', () => {
  assert.deepEqual(parseStat(7, stat(7, 'my (weird) name', 3, 120, 30)), { pid: 7, ppid: 3, ticks: 150 });
  assert.equal(parseStat(7, 'garbage'), null);
});

test('parseRss reads VmRSS in kB; none (kernel thread) is 0', () => {
  assert.equal(parseRss('Name:\tx\nVmRSS:\t   2048 kB\n'), 2048 * 1024);
  assert.equal(parseRss('Name:\tkthreadd\n'), 0);
});

test('processTree takes the roots and every descendant, once', () => {
  const all = [
    { pid: 1, ppid: 0, ticks: 0 },
    { pid: 10, ppid: 1, ticks: 0 },
    { pid: 11, ppid: 10, ticks: 0 },
    { pid: 12, ppid: 11, ticks: 0 },
    { pid: 20, ppid: 1, ticks: 0 },
  ];
  assert.deepEqual(
    processTree(all, [10, 11])
      .map((p) => p.pid)
      .sort(),
    [10, 11, 12],
  );
  assert.deepEqual(processTree(all, [99]), []);
  assert.deepEqual(
    [...ancestry(all, 12)].sort((a, b) => a - b),
    [1, 10, 11, 12],
  );
});

test('cpuPercent: ticks spent since the last sample over the wall time, 100 = one core', () => {
  const before = new Map([
    [1, 100],
    [2, 50],
  ]);
  // pid 1 spent 100 ticks (1 s) in 1 s, pid 2 is new since (30 ticks), a gone pid counts nothing.
  const now = [
    { pid: 1, ppid: 0, ticks: 200 },
    { pid: 3, ppid: 1, ticks: 30 },
  ];
  assert.equal(cpuPercent(before, now, 1000), 130);
  assert.equal(cpuPercent(before, now, 0), 0);
});

function fakeProc(): string {
  const root = mkdtempSync(join(tmpdir(), 'streamload-proc-'));
  const add = (pid: number, ppid: number, ticks: number, cmdline: string, rssKb: number) => {
    mkdirSync(join(root, String(pid)), { recursive: true });
    writeFileSync(join(root, String(pid), 'stat'), stat(pid, 'x', ppid, ticks, 0));
    writeFileSync(join(root, String(pid), 'cmdline'), `${cmdline.split(' ').join('\0')}\0`);
    writeFileSync(join(root, String(pid), 'status'), `VmRSS:\t${rssKb} kB\n`);
  };
  add(1, 0, 0, '/sbin/init', 10);
  add(50, 1, 0, 'bash -c streamload run --monitor cmd:uvicorn', 100); // started streamload: holds the pattern
  add(51, 50, 0, 'node streamload run --monitor cmd:uvicorn', 100); // streamload itself
  add(100, 1, 500, 'python -m uvicorn app:main', 1000);
  add(101, 100, 200, 'python worker', 500);
  return root;
}

test('a process sampler sums a tree; its first sample primes CPU; cmd: leaves out streamload and its starters', async () => {
  const fs = { root: fakeProc() };
  let ms = 0;
  const sample = processSampler(fs, commandRoots(fs, /uvicorn/, 51), () => ms);
  const first = await sample();
  assert.deepEqual({ ...first }, { rss_bytes: 1500 * 1024, processes: 2 });
  writeFileSync(join(fs.root, '100', 'stat'), stat(100, 'x', 1, 600, 0));
  ms = 2000;
  const second = await sample();
  assert.equal(second.cpu_pct, 50); // 100 ticks = 1 s of CPU in 2 s
  await assert.rejects(processSampler(fs, pidRoots(4242), () => 0)(), /process 4242 is not running/);
  await assert.rejects(
    processSampler(fs, commandRoots(fs, /nginx/, 51), () => 0)(),
    /no running process matches \/nginx\//,
  );
});
