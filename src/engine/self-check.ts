/**
 * The generator watches itself: event-loop delay and CPU share each second go into the recorder,
 * and a sustained overload raises a warning, because then the measured latencies include the
 * generator's own queueing and are overstated.
 */
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Recorder } from '../metrics/recorder-api.ts';
import type { GeneratorSample } from '../metrics/types.ts';
import { createMachineMeter, type MachineCpu } from './cpu-steal.ts';
import { judgeSaturation, SATURATION_LIMITS, type SaturationCause, type SecondSample } from './saturation.ts';

/** The warning's first words, by the cause judgeSaturation names (saturation.ts). */
export const SATURATION_WARNING = 'generator saturated: latencies are overstated';
export const STEAL_WARNING = 'host CPU steal: latencies are overstated';
const HEADLINES: Record<SaturationCause, string> = {
  'own-cpu': SATURATION_WARNING,
  'host-steal': STEAL_WARNING,
  'other-processes': 'machine busy: latencies are overstated',
  'blocking-code': 'event loop blocked: latencies are overstated',
};
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
  /** The machine's CPU since the last call (see cpu-steal.ts); injectable for tests. */
  readonly machine?: () => MachineCpu | null;
}

export function createSelfCheck(recorder: Recorder, options: SelfCheckOptions = {}): SelfCheck {
  const limits = { ...SATURATION_LIMITS, seconds: options.hotSeconds ?? SATURATION_LIMITS.seconds };
  const machine = options.machine ?? createMachineMeter();
  const cores = Math.max(1, availableParallelism());
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loop.enable();
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();
  const window: SecondSample[] = [];
  const startedAt = performance.now();
  const raised = new Map<SaturationCause, string>();

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
      const host = machine();
      window.push({
        loopP99Ms: sample.loopDelayP99Ms,
        ownCpu: cpuShare,
        steal: host?.steal ?? null,
        machineBusy: host?.busy ?? null,
        cores,
      });
      if (window.length > limits.seconds) window.shift();
      const saturation = judgeSaturation(window, limits);
      // Each cause once, saying when it first happened and what fits it.
      if (saturation !== null && !raised.has(saturation.cause)) {
        const at = Math.round((performance.now() - startedAt) / 1000);
        raised.set(
          saturation.cause,
          `${HEADLINES[saturation.cause]} (${saturation.reason}, first at ${at}s): ${saturation.advice}`,
        );
      }
      return sample;
    },
    warnings: () => [...raised.values()],
    close: () => loop.disable(),
  };
}
