/**
 * The load generator's own health from its per-second samples: over the run (histograms of the
 * per-second loop-delay p50 and p99, cpu sum and max) and for the history row being filled.
 */
import { recordMs } from './histogram.ts';
import { worstGenerator } from './history.ts';
import { encodeSlot, type LiveHistograms, resetSlot } from './live-histograms.ts';
import type { SnapshotGenerator } from './snapshot.ts';
import type { GeneratorSample } from './types.ts';

export interface GeneratorHealth {
  add(sample: GeneratorSample): void;
  /** Ends the current second: the worst sample within it (null when none came). */
  closeSecond(): GeneratorSample | null;
  snapshot(): SnapshotGenerator;
  reset(): void;
}

export function createGeneratorHealth(histograms: LiveHistograms): GeneratorHealth {
  const loopDelayP50 = histograms.unnamed();
  const loopDelayP99 = histograms.unnamed();
  let samples = 0;
  let cpuSumMicros = 0;
  let cpuMax = 0;
  let loopDelayMaxMs = 0;
  let second: GeneratorSample | null = null;
  return {
    add(s) {
      if (!(s.cpu >= 0 && Number.isFinite(s.cpu))) {
        throw new RangeError(`generator cpu must be a finite share ≥ 0, got ${s.cpu}`);
      }
      recordMs(loopDelayP50.histogram, s.loopDelayP50Ms);
      recordMs(loopDelayP99.histogram, s.loopDelayP99Ms);
      samples++;
      // Integer millionths: sums of integers do not depend on the order a merge adds them in.
      cpuSumMicros += Math.round(s.cpu * 1e6);
      cpuMax = Math.max(cpuMax, s.cpu);
      loopDelayMaxMs = Math.max(loopDelayMaxMs, s.loopDelayMaxMs);
      second = second === null ? s : worstGenerator([second, s]);
    },
    closeSecond() {
      const worst = second;
      second = null;
      return worst;
    },
    snapshot() {
      return {
        samples,
        cpuSumMicros,
        cpuMax,
        loopDelayP50: samples > 0 ? encodeSlot(loopDelayP50) : null,
        loopDelayP99: samples > 0 ? encodeSlot(loopDelayP99) : null,
        loopDelayMaxMs,
      };
    },
    reset() {
      resetSlot(loopDelayP50);
      resetSlot(loopDelayP99);
      samples = cpuSumMicros = cpuMax = loopDelayMaxMs = 0;
      second = null;
    },
  };
}
