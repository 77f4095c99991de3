/**
 * Are the measured latencies the generator's own delay, and why? A pure judgement over the last
 * seconds of self-check samples (self-check.ts gathers them), so each cause is unit-tested. A slow
 * event loop overstates every latency whatever its cause, but the cure depends on the cause:
 * - the generator's own CPU: split the load (`--processes`);
 * - the hypervisor stealing CPU, or other processes on the machine: a quieter machine; more
 *   processes cannot help (the 5 %-CPU false alarm advised them);
 * - a stall at low CPU on an idle machine: synchronous work in scenario code (or GC).
 * One severe second (a p99 of hundreds of ms) is enough; a mild delay must last (one GC pause is not
 * saturation), as must a CPU above 90 % of a core.
 */

export interface SecondSample {
  /** Event-loop delay p99 over the second, ms (excess over the monitor's resolution). */
  readonly loopP99Ms: number;
  /** streamload's own CPU over the second, as a share of one core. */
  readonly ownCpu: number;
  /** Share of the machine's CPU time the hypervisor took (null where unknown). */
  readonly steal: number | null;
  /** Share of the machine's CPU time (all cores) that was busy, streamload included (null: unknown). */
  readonly machineBusy: number | null;
  /** CPU cores of the machine. */
  readonly cores: number;
}

export type SaturationCause = 'own-cpu' | 'host-steal' | 'other-processes' | 'blocking-code';

export interface Saturation {
  readonly cause: SaturationCause;
  /** What was seen, with numbers. */
  readonly reason: string;
  /** What fits that cause. */
  readonly advice: string;
}

export const SATURATION_LIMITS = {
  /** A p99 above this for `seconds` in a row is saturation. */
  loopDelayMs: 10,
  /** A p99 above this in a single second is saturation at once. */
  severeLoopDelayMs: 100,
  /** Own CPU above this (share of a core) for `seconds` in a row is saturation. */
  cpu: 0.9,
  /** From this share of a core up, a slow loop is the generator's own work. */
  ownCpu: 0.5,
  /** From this steal share up, a slow loop is blamed on the host. */
  steal: 0.1,
  /** From this busy share of the whole machine up, a slow loop at low own CPU is other processes'. */
  machineBusy: 0.85,
  seconds: 5,
} as const;

type Limits = { -readonly [K in keyof typeof SATURATION_LIMITS]: number };

const pct = (share: number) => `${Math.round(share * 100)}%`;
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** The saturation the latest samples show (oldest first), or null when the latencies can be trusted. */
export function judgeSaturation(
  window: readonly SecondSample[],
  limits: Limits = SATURATION_LIMITS,
): Saturation | null {
  const last = window.at(-1);
  if (last === undefined) return null;
  const lasting = window.length >= limits.seconds ? window.slice(-limits.seconds) : null;
  const severe = last.loopP99Ms > limits.severeLoopDelayMs;
  const slow = lasting?.every((s) => s.loopP99Ms > limits.loopDelayMs) ?? false;
  const hot = lasting?.every((s) => s.ownCpu > limits.cpu) ?? false;
  if (!severe && !slow && !hot) return null;
  const seen = severe ? [last] : (lasting as readonly SecondSample[]);
  const own = mean(seen.map((s) => s.ownCpu));
  const p99 = Math.max(...seen.map((s) => s.loopP99Ms));
  const delay = severe
    ? `event-loop delay p99 ${Math.round(p99)} ms`
    : slow
      ? `event-loop delay p99 > ${limits.loopDelayMs} ms for ${limits.seconds} s`
      : '';
  const what = (cause: string) => [delay, cause].filter((p) => p !== '').join(', ');
  const ownCpu: Saturation = {
    cause: 'own-cpu',
    reason: what(`streamload's own CPU ${pct(own)} of a core`),
    advice: 'split the load over more processes (--processes N) or lower it',
  };
  // A core we keep busy is the cause whatever else happens; short of that, a hypervisor that steals
  // is named first: it is why a busy loop got no more of the core.
  if (hot) return ownCpu;
  const steals = seen.map((s) => s.steal).filter((s): s is number => s !== null);
  const steal = mean(steals);
  if (steals.length > 0 && steal >= limits.steal)
    return {
      cause: 'host-steal',
      reason: what(
        `the hypervisor took ${pct(steal)} of CPU time while streamload used ${pct(own)} of a core`,
      ),
      advice: 'use a quieter machine or dedicated cores; more processes will not help',
    };
  if (own >= limits.ownCpu) return ownCpu;
  const busies = seen.map((s) => s.machineBusy).filter((b): b is number => b !== null);
  const busy = mean(busies);
  if (busies.length > 0 && busy >= limits.machineBusy)
    return {
      cause: 'other-processes',
      reason: what(
        `other processes kept the machine ${pct(busy)} busy (${last.cores} cores) while streamload used ${pct(own)} of a core`,
      ),
      advice:
        'run streamload where it has a core to itself (a quieter machine, or stop the other load); more processes will not help',
    };
  return {
    cause: 'blocking-code',
    reason: what(`at only ${pct(own)} of a core on an idle machine`),
    advice:
      'something blocks the event loop: look for synchronous work in scenario code (long loops, sync I/O)',
  };
}
