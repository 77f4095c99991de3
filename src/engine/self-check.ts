/**
 * The generator watches itself: event-loop delay and CPU share each second go into the recorder,
 * and a sustained overload raises a warning, because then the measured latencies include the
 * generator's own queueing and are overstated.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Recorder } from '../metrics/recorder-api.ts';
import type { GeneratorSample } from '../metrics/types.ts';
import { createStealMeter } from './cpu-steal.ts';

export const SATURATION_WARNING = 'generator saturated: latencies are overstated';
export const STEAL_WARNING = 'host CPU steal: latencies are overstated';
/** Mean steal share over the slow seconds from which a slow loop is blamed on the host, not us. */
const STEAL_LIMIT = 0.1;
const LOOP_DELAY_LIMIT_MS = 10;
const CPU_LIMIT = 0.9;
/** Both limits must hold this many samples in a row: one GC pause is not saturation. */
const HOT_SECONDS = 5;
const RESOLUTION_MS = 10;
/** The monitor's timer fires every RESOLUTION_MS: only the excess over it is delay. */
const excessMs = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);

export interface SelfCheck {
  /** Call once per second: samples, records, and returns the sample. */
  sample(): GeneratorSample;
  /** Warnings raised so far (each once, with when it first happened). */
  warnings(): string[];
  close(): void;
}

export interface SelfCheckOptions {
  readonly hotSeconds?: number;
  /** Steal share since the last call (see cpu-steal.ts); injectable for tests. */
  readonly steal?: () => number | null;
}

export function createSelfCheck(recorder: Recorder, options: SelfCheckOptions = {}): SelfCheck {
  const hotLimit = options.hotSeconds ?? HOT_SECONDS;
  const steal = options.steal ?? createStealMeter();
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loop.enable();
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  let slowLoopSeconds = 0;
  let slowLoopSteal = 0;
  let hotCpuSeconds = 0;
  const startedAt = performance.now();
  const raised = new Map<string, string>();

  /** Each warning once (by its stable reason), saying when it first happened. */
  function warn(reason: string, warning = SATURATION_WARNING, detail = ''): void {
    if (!raised.has(reason)) {
      const at = Math.round((performance.now() - startedAt) / 1000);
      raised.set(reason, `${warning} (${reason}${detail}, first at ${at}s)`);
    }
  }

  return {
    sample() {
      const now = performance.now();
      const cpu = process.cpuUsage(lastCpu);
      const cpuShare = (cpu.user + cpu.system) / 1000 / Math.max(1, now - lastAt);
      lastCpu = process.cpuUsage();
      lastAt = now;
      const sample: GeneratorSample = {
        loopDelayP50Ms: excessMs(loop.percentile(50)),
        loopDelayP99Ms: excessMs(loop.percentile(99)),
        loopDelayMaxMs: excessMs(loop.max),
        cpu: cpuShare,
      };
      loop.reset();
      recorder.generatorSample(sample);
      const stolen = steal() ?? 0;
      const slow = sample.loopDelayP99Ms > LOOP_DELAY_LIMIT_MS;
      slowLoopSeconds = slow ? slowLoopSeconds + 1 : 0;
      slowLoopSteal = slow ? slowLoopSteal + stolen : 0;
      if (slowLoopSeconds >= hotLimit) {
        const reason = `event-loop delay p99 > ${LOOP_DELAY_LIMIT_MS} ms for ${hotLimit} s`;
        const meanSteal = slowLoopSteal / slowLoopSeconds;
        if (meanSteal >= STEAL_LIMIT)
          warn(
            `${reason}, host steal`,
            STEAL_WARNING,
            `: the hypervisor took ${Math.round(meanSteal * 100)}% of CPU time`,
          );
        else warn(reason);
      }
      hotCpuSeconds = cpuShare > CPU_LIMIT ? hotCpuSeconds + 1 : 0;
      if (hotCpuSeconds >= hotLimit) warn(`CPU above ${CPU_LIMIT * 100}% of a core for ${hotLimit} s`);
      return sample;
    },
    warnings: () => [...raised.values()],
    close: () => loop.disable(),
  };
}
