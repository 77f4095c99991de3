/**
 * The active-connection gauge, its true maximum and its integral over time. The integral is
 * accumulated at every change in integer µs of the monotonic clock, so the time-averaged gauge is
 * exact (not sampled per second) and merges by plain integer sums.
 */
import type { SnapshotConnections } from './snapshot.ts';

export interface ConnectionGauge {
  readonly active: number;
  open(): void;
  close(): void;
  /** Ends the current second: returns the gauge's peak within it; the next starts at the current level. */
  closeSecond(): number;
  snapshot(): SnapshotConnections;
  /** Restarts the maximum and integral now; open connections stay counted. */
  reset(): void;
}

export function createConnectionGauge(nowMs: () => number): ConnectionGauge {
  const nowUs = (): number => Math.round(nowMs() * 1000);
  let active = 0;
  let maxConcurrent = 0;
  let secondPeak = 0;
  let areaUs = 0;
  let lastChangeUs = nowUs();

  const accumulate = (): void => {
    const now = nowUs();
    areaUs += active * (now - lastChangeUs);
    lastChangeUs = now;
  };

  return {
    get active() {
      return active;
    },
    open() {
      accumulate();
      active++;
      if (active > maxConcurrent) maxConcurrent = active;
      if (active > secondPeak) secondPeak = active;
    },
    close() {
      if (active === 0) throw new Error('streamClosed() without a matching streamOpened()');
      accumulate();
      active--;
    },
    closeSecond() {
      const peak = secondPeak;
      secondPeak = active;
      return peak;
    },
    snapshot() {
      accumulate();
      return { active, maxConcurrent, openSecondPeak: secondPeak, activeAreaUs: areaUs };
    },
    reset() {
      maxConcurrent = secondPeak = active;
      areaUs = 0;
      lastChangeUs = nowUs();
    },
  };
}
