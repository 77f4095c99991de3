/**
 * The search behind `streamload find-limit`, as a pure function of the steps so far: an exponential
 * climb from the start load until a step breaks, then a bisection between the highest load that
 * held and the lowest that broke, until they are within the resolution. No clock, no I/O: the
 * runner (runner.ts) runs the steps and keeps the time budget.
 */

export interface SearchBounds {
  /** The first step's load (users or arrivals/s). */
  readonly start: number;
  /** The highest load to try (`--max-users` / `--max-rate`). */
  readonly max: number;
  /** Stop when broke / held ≤ 1 + resolution (0.1 for `--resolution 10%`). */
  readonly resolution: number;
  /** Users are whole; rates are not (kept to 0.01/s). */
  readonly integer: boolean;
  /** The climb's multiplier (default 2). */
  readonly factor?: number;
}

export interface StepVerdict {
  readonly load: number;
  readonly held: boolean;
}

/**
 * How a search ended:
 * - `found`: `held` held and `broke` broke, within the resolution of each other;
 * - `first-broke`: even the first step broke (no load held);
 * - `max-held`: the maximum held (the limit is at or above it).
 */
export interface SearchOutcome {
  readonly reason: 'found' | 'first-broke' | 'max-held';
  /** The highest load that held, null when none did. */
  readonly held: number | null;
  /** The lowest load that broke, null when none did. */
  readonly broke: number | null;
}

export type SearchNext =
  | { readonly kind: 'step'; readonly load: number }
  | { readonly kind: 'done'; readonly outcome: SearchOutcome };

const round = (load: number, integer: boolean) => (integer ? Math.round(load) : Math.round(load * 100) / 100);

export function checkBounds(bounds: SearchBounds): string | null {
  if (!(bounds.start > 0)) return 'the start load must be above 0';
  if (bounds.max < bounds.start)
    return `the maximum (${bounds.max}) is below the start load (${bounds.start})`;
  if (!(bounds.resolution > 0)) return 'the resolution must be above 0';
  if ((bounds.factor ?? 2) <= 1) return 'the climb factor must be above 1';
  return null;
}

/**
 * The highest load that held below the lowest that broke. The lowest break bounds the search: a
 * hold above it (noise) does not move the limit up.
 */
export function bracket(steps: readonly StepVerdict[]): { held: number | null; broke: number | null } {
  let broke: number | null = null;
  for (const s of steps) if (!s.held && (broke === null || s.load < broke)) broke = s.load;
  let held: number | null = null;
  for (const s of steps)
    if (s.held && (broke === null || s.load < broke) && (held === null || s.load > held)) held = s.load;
  return { held, broke };
}

/** The next load to try, or how the search ended. */
export function nextStep(steps: readonly StepVerdict[], bounds: SearchBounds): SearchNext {
  if (steps.length === 0)
    return { kind: 'step', load: round(Math.min(bounds.start, bounds.max), bounds.integer) };
  const { held, broke } = bracket(steps);
  if (broke === null) {
    const top = held as number; // steps exist and none broke
    if (top >= bounds.max) return { kind: 'done', outcome: { reason: 'max-held', held: top, broke: null } };
    const climbed = round(top * (bounds.factor ?? 2), bounds.integer);
    return { kind: 'step', load: Math.min(bounds.max, Math.max(climbed, top + (bounds.integer ? 1 : 0.01))) };
  }
  if (held === null) return { kind: 'done', outcome: { reason: 'first-broke', held: null, broke } };
  const mid = round((held + broke) / 2, bounds.integer);
  const closeEnough = broke <= held * (1 + bounds.resolution) || mid <= held || mid >= broke;
  if (closeEnough) return { kind: 'done', outcome: { reason: 'found', held, broke } };
  return { kind: 'step', load: mid };
}
