/**
 * `pid:N` and `cmd:PATTERN` sources: CPU and resident memory of a process and all its descendants,
 * read from Linux's /proc (no `ps`, no `top`). CPU % is the process tree's CPU time over the wall
 * time between two samples: 100 = one core busy.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MonitorValues } from './types.ts';

/** Linux reports CPU times in USER_HZ ticks, 100 per second on every architecture Node runs on. */
const TICKS_PER_SECOND = 100;

export interface ProcInfo {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime, in ticks. */
  readonly ticks: number;
}

/** `/proc/<pid>/stat`: the command name may hold spaces and parentheses, so fields count from the last ')'. */
export function parseStat(pid: number, text: string): ProcInfo | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 2).split(' ');
  // After the name: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(ppid) || !Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { pid, ppid, ticks: utime + stime };
}

/** `VmRSS:` of `/proc/<pid>/status`, in bytes (kernel threads and zombies have none: 0). */
export function parseRss(status: string): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m === null ? 0 : Number(m[1]) * 1024;
}

export interface ProcFs {
  readonly root: string;
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null; // the process exited between the listing and the read
  }
}

/** Every live process, with its parent and CPU ticks. */
export async function listProcesses(fs: ProcFs): Promise<ProcInfo[]> {
  const names = await readdir(fs.root);
  const infos = await Promise.all(
    names
      .filter((n) => /^[0-9]+$/.test(n))
      .map(async (n) => {
        const text = await readOrNull(join(fs.root, n, 'stat'));
        return text === null ? null : parseStat(Number(n), text);
      }),
  );
  return infos.filter((p) => p !== null);
}

/** The command line as `pgrep -f` matches it (arguments joined by spaces). */
export async function commandLine(fs: ProcFs, pid: number): Promise<string> {
  const raw = await readOrNull(join(fs.root, String(pid), 'cmdline'));
  return raw === null ? '' : raw.replace(/\0+$/, '').replaceAll('\0', ' ');
}

/** The roots and every descendant of them, among `all`. */
export function processTree(all: readonly ProcInfo[], roots: readonly number[]): ProcInfo[] {
  const children = new Map<number, ProcInfo[]>();
  const byPid = new Map<number, ProcInfo>();
  for (const p of all) {
    byPid.set(p.pid, p);
    const list = children.get(p.ppid);
    if (list === undefined) children.set(p.ppid, [p]);
    else list.push(p);
  }
  const seen = new Set<number>();
  const out: ProcInfo[] = [];
  const stack = roots.filter((r) => byPid.has(r));
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(byPid.get(pid) as ProcInfo);
    for (const c of children.get(pid) ?? []) stack.push(c.pid);
  }
  return out;
}

/**
 * CPU % of a tree between two samples: per process, the ticks it spent since the last sample (a
 * process born since then: all its ticks; one gone: nothing, as `top` does).
 */
export function cpuPercent(
  before: ReadonlyMap<number, number>,
  now: readonly ProcInfo[],
  elapsedMs: number,
): number {
  if (elapsedMs <= 0) return 0;
  let ticks = 0;
  for (const p of now) ticks += Math.max(0, p.ticks - (before.get(p.pid) ?? 0));
  return (ticks / TICKS_PER_SECOND / (elapsedMs / 1000)) * 100;
}

/** Finds the roots of a source each sample (a `cmd:` pattern's processes come and go). */
export type RootFinder = (all: readonly ProcInfo[]) => Promise<number[]>;

export function pidRoots(pid: number): RootFinder {
  return async (all) => {
    if (!all.some((p) => p.pid === pid)) throw new Error(`process ${pid} is not running`);
    return [pid];
  };
}

/** `pid` and the processes that started it, up to init. */
export function ancestry(all: readonly ProcInfo[], pid: number): Set<number> {
  const parent = new Map(all.map((p) => [p.pid, p.ppid]));
  const out = new Set<number>();
  for (let p: number | undefined = pid; p !== undefined && p > 0 && !out.has(p); p = parent.get(p))
    out.add(p);
  return out;
}

/**
 * Processes whose command line matches, without streamload and the processes that started it: as
 * pgrep leaves itself out, since the shell and `npm exec` that ran this command hold the pattern too.
 */
export function commandRoots(fs: ProcFs, pattern: RegExp, selfPid: number): RootFinder {
  return async (all) => {
    const self = ancestry(all, selfPid);
    const roots: number[] = [];
    for (const p of all) {
      if (self.has(p.pid)) continue;
      if (pattern.test(await commandLine(fs, p.pid))) roots.push(p.pid);
    }
    if (roots.length === 0) throw new Error(`no running process matches ${pattern}`);
    return roots;
  };
}

/** A sampler of one process tree: the first call primes the CPU counters (no cpu_pct yet). */
export function processSampler(fs: ProcFs, roots: RootFinder, now: () => number) {
  let before: Map<number, number> | null = null;
  let beforeMs = 0;
  return async function sample(): Promise<MonitorValues> {
    const all = await listProcesses(fs);
    const tree = processTree(all, await roots(all));
    const ms = now();
    const rss = await Promise.all(
      tree.map(async (p) => parseRss((await readOrNull(join(fs.root, String(p.pid), 'status'))) ?? '')),
    );
    const values: Record<string, number> = {};
    if (before !== null) values.cpu_pct = cpuPercent(before, tree, ms - beforeMs);
    values.rss_bytes = rss.reduce((a, b) => a + b, 0);
    values.processes = tree.length;
    before = new Map(tree.map((p) => [p.pid, p.ticks]));
    beforeMs = ms;
    return values;
  };
}
