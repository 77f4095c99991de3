/**
 * The scale-out additions to a run.json built from a merged result: the `partial` field and, when
 * workers were lost, the same notice among the warnings (a reader of the console or the report
 * must see it, not only a reader of the JSON).
 */
import type { RunJson } from '../report/types.ts';
import type { ScaleOutResult } from './parts.ts';

export function withScaleOut(run: RunJson, result: ScaleOutResult): RunJson {
  if (result.partial === null) return { ...run, partial: null };
  return { ...run, partial: result.partial, warnings: [...run.warnings, result.partial.notice] };
}
