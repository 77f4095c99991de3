/** Linear ramps between stage targets: the value at `elapsedS` since the run began. */
import type { Stage } from '../../config/units.ts';

export function stageTotalS(stages: readonly Stage[]): number {
  return stages.reduce((sum, s) => sum + s.durationS, 0);
}

/** Ramps from `initial` to each stage's target over the stage's duration; null after the last stage. */
export function stageValue(stages: readonly Stage[], initial: number, elapsedS: number): number | null {
  let from = initial;
  let t = elapsedS;
  for (const stage of stages) {
    if (t < stage.durationS) return from + ((stage.target - from) * t) / stage.durationS;
    t -= stage.durationS;
    from = stage.target;
  }
  return null;
}
