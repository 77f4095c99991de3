/**
 * CPU steal: time the hypervisor ran something else while this VM had work. On a noisy cloud VM it
 * stalls the event loop at low CPU, which looks like a saturated generator but is not one. Linux
 * only (/proc/stat); elsewhere the meter reads nothing.
 */
import { readFileSync } from 'node:fs';

/** steal, idle and total jiffies of the aggregate `cpu` line (guest time is already inside user). */
export interface CpuTimes {
  readonly steal: number;
  /** idle + iowait: time no process wanted the CPU. */
  readonly idle: number;
  readonly total: number;
}

/** Parses the first line of /proc/stat: `cpu user nice system idle iowait irq softirq steal …`. */
export function parseCpuTimes(procStat: string): CpuTimes | null {
  const fields = procStat.split('\n', 1)[0]!.trim().split(/\s+/);
  if (fields[0] !== 'cpu' || fields.length < 9) return null;
  const jiffies = fields.slice(1, 9).map(Number);
  if (jiffies.some((n) => !Number.isFinite(n))) return null;
  return { steal: jiffies[7]!, idle: jiffies[3]! + jiffies[4]!, total: jiffies.reduce((a, b) => a + b, 0) };
}

/** Share of the machine's CPU time stolen between two readings (0 when no time passed). */
export function stealShare(from: CpuTimes, to: CpuTimes): number {
  const total = to.total - from.total;
  return total > 0 ? (to.steal - from.steal) / total : 0;
}

function readCpuTimes(): CpuTimes | null {
  try {
    return parseCpuTimes(readFileSync('/proc/stat', 'latin1'));
  } catch {
    return null;
  }
}

/** The machine's CPU between two readings: shares of all cores' time stolen and busy. */
export interface MachineCpu {
  readonly steal: number;
  /** Busy (not idle, not iowait), streamload's own time included. */
  readonly busy: number;
}

/** Each call: the machine's CPU since the previous call, or null where /proc/stat is unreadable. */
export function createMachineMeter(read: () => CpuTimes | null = readCpuTimes): () => MachineCpu | null {
  let last = read();
  return () => {
    const now = read();
    let share: MachineCpu | null = null;
    if (last !== null && now !== null) {
      const total = now.total - last.total;
      share = {
        steal: stealShare(last, now),
        busy: total > 0 ? 1 - (now.idle - last.idle) / total : 0,
      };
    }
    last = now;
    return share;
  };
}
