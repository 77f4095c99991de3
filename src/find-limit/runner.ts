/**
 * Runs the search (search.ts) step by step within a time budget. Knows nothing of HTTP or the
 * CLI: a step is whatever `runStep` does (the CLI runs the real engine; tests a scripted target),
 * and a step holds when every threshold of its result passed.
 */
import type { ThresholdResult } from '../report/types.ts';
import { bracket, nextStep, type SearchBounds, type SearchOutcome } from './search.ts';

/** What the runner reads of a step's result (run.json has it). */
export interface StepResult {
  readonly status: 'completed' | 'stopped' | 'aborted';
  readonly thresholds: readonly ThresholdResult[];
}

export interface Step<R extends StepResult> {
  /** 1-based. */
  readonly index: number;
  readonly load: number;
  readonly held: boolean;
  readonly result: R;
}

export interface FindLimitOutcome<R extends StepResult> {
  readonly steps: readonly Step<R>[];
  /** The search's verdict; when it was cut short, the bracket so far. */
  readonly outcome: SearchOutcome;
  /** Why the search ended before its verdict: the time budget, or a step stopped by the user. */
  readonly cutShort: 'budget' | 'stopped' | null;
}

export interface FindLimitOptions<R extends StepResult> {
  readonly bounds: SearchBounds;
  readonly budgetMs: number;
  /** The expected length of one step (warmup + step time + stop); none starts that cannot end in budget. */
  readonly stepMs: number;
  readonly nowMs: () => number;
  readonly runStep: (load: number, index: number) => Promise<R>;
  /** Checked before each step: true ends the search (a stop signal arrived between steps). */
  readonly shouldStop?: () => boolean;
  readonly onStep?: (step: Step<R>) => void;
}

export async function findLimit<R extends StepResult>(
  options: FindLimitOptions<R>,
): Promise<FindLimitOutcome<R>> {
  const began = options.nowMs();
  const steps: Step<R>[] = [];
  for (;;) {
    const next = nextStep(steps, options.bounds);
    if (next.kind === 'done') return { steps, outcome: next.outcome, cutShort: null };
    if (steps.length > 0 && options.shouldStop?.() === true)
      return { steps, outcome: interim(steps), cutShort: 'stopped' };
    const spent = options.nowMs() - began;
    if (steps.length > 0 && spent + options.stepMs > options.budgetMs)
      return { steps, outcome: interim(steps), cutShort: 'budget' };
    const result = await options.runStep(next.load, steps.length + 1);
    const step: Step<R> = {
      index: steps.length + 1,
      load: next.load,
      // A step the user stopped measured less than planned: it cannot count as holding.
      held: result.status === 'completed' && result.thresholds.every((t) => t.ok),
      result,
    };
    steps.push(step);
    options.onStep?.(step);
    if (result.status !== 'completed') return { steps, outcome: interim(steps), cutShort: 'stopped' };
  }
}

/** The search cut short: the bracket so far as an outcome. */
function interim(steps: readonly Step<StepResult>[]): SearchOutcome {
  const { held, broke } = bracket(steps);
  return { reason: held === null ? 'first-broke' : broke === null ? 'max-held' : 'found', held, broke };
}
